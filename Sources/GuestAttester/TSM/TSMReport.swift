#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reports through configfs-tsm (`/sys/kernel/config/tsm/report`): create an entry, check its `provider`, optionally
/// write `privlevel`, write the 64-byte `inblob`, read `outblob` and `auxblob`, check that `generation` counted
/// exactly our writes (another writer to the same entry would have changed what `outblob` answers), remove the entry.
public struct TSMReport: Sendable {
    /// What one request yields.
    public struct Output: Sendable, Hashable {
        /// The report or quote.
        public var outblob: [UInt8]
        /// Supplemental data (SNP: the certificate table), empty when the provider has none.
        public var auxblob: [UInt8]
        /// The provider that answered.
        public var provider: TSMProvider
    }

    /// The report directory (configurable for tests and unusual mounts).
    public let root: String
    /// The provider the caller expects.
    public let provider: TSMProvider
    /// How entries are made (the kernel's `mkdir` outside tests).
    public let entries: any TSMReportEntries
    /// Whether `auxblob` is read.
    public let readsAuxblob: Bool

    /// Creates a driver.
    public init(root: String = "/sys/kernel/config/tsm/report", provider: TSMProvider, readsAuxblob: Bool = true,
                entries: any TSMReportEntries = ConfigfsEntries()) {
        self.root = root
        self.provider = provider
        self.readsAuxblob = readsAuxblob
        self.entries = entries
    }

    /// One report binding `inblob` (at most 64 bytes, zero-padded), at `privilegeLevel` when given (SNP VMPL).
    ///
    /// - Throws: ``GuestAttesterError``: `badInput` for an oversized inblob, `providerMismatch`, `generationChanged`,
    ///   `malformedReport` for an empty outblob, `io` for any attribute that cannot be used.
    public func report(inblob: [UInt8], privilegeLevel: Int? = nil) throws(GuestAttesterError) -> Output {
        guard inblob.count <= 64 else { throw GuestAttesterError(.badInput, "report data of \(inblob.count) bytes; configfs-tsm takes at most 64") }
        let entry = "\(root)/hermetic-\(UUID().uuidString.lowercased())"
        try entries.create(entry)
        defer { entries.remove(entry) }
        let found = try GuestFiles.readText("\(entry)/provider")
        guard let named = TSMProvider(rawValue: found) else {
            throw GuestAttesterError(.providerMismatch, "configfs-tsm provider \(found.isEmpty ? "(empty)" : found) is not one this agent knows; expected \(provider.rawValue)")
        }
        guard named == provider else {
            throw GuestAttesterError(.providerMismatch, "configfs-tsm provider is \(named.rawValue), expected \(provider.rawValue)")
        }
        let start = try generation(entry)
        var writes = 0
        if let privilegeLevel {
            try GuestFiles.write("\(entry)/privlevel", Array("\(privilegeLevel)\n".utf8))
            writes += 1
        }
        try GuestFiles.write("\(entry)/inblob", inblob + [UInt8](repeating: 0, count: 64 - inblob.count))
        writes += 1
        let outblob = try GuestFiles.read("\(entry)/outblob")
        let auxblob = readsAuxblob ? try GuestFiles.read("\(entry)/auxblob") : []
        let end = try generation(entry)
        guard end == start + writes else {
            throw GuestAttesterError(.generationChanged, "\(entry)/generation went from \(start) to \(end) over our \(writes) write(s): another writer raced this report")
        }
        guard !outblob.isEmpty else { throw GuestAttesterError(.malformedReport, "\(entry)/outblob is empty") }
        return Output(outblob: outblob, auxblob: auxblob, provider: named)
    }

    private func generation(_ entry: String) throws(GuestAttesterError) -> Int {
        let text = try GuestFiles.readText("\(entry)/generation")
        guard let value = Int(text), value >= 0 else { throw GuestAttesterError(.malformedReport, "\(entry)/generation is \(text), not a count") }
        return value
    }
}
