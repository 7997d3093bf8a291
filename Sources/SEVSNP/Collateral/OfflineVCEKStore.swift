#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// The offline VCEK store Trustee's SNP verifier reads (`vcek_sources = [{type = "OfflineStore", path = ...}]`),
/// answering KDS VCEK URLs from files:
///
/// ```
/// <root>/vcek/<hwid>/bl<BL>_tee<TEE>_snp<SNP>_ucode<UCODE>[_fmc<FMC>]_vcek.der   (exact TCB)
/// <root>/vcek/<hwid>/vcek.der                                                 (any TCB)
/// ```
///
/// `<hwid>` is the chip ID in lowercase hex (its first 8 bytes on Turin); levels are decimal, at least two digits.
/// The exact-TCB file is preferred; the verifier checks the TCB of whatever it gets.
public struct OfflineVCEKStore: CollateralFetcher {
    /// The store's root directory (the one holding `vcek/`).
    public let root: URL

    /// Creates a store over `root`.
    public init(root: URL) { self.root = root }

    /// Whether `directory` looks like a store (has a `vcek` subdirectory).
    public static func isStore(_ directory: URL) -> Bool {
        FileKind.of(directory.appendingPathComponent("vcek").path) == .directory
    }

    /// The file names tried for `request`, most specific first, relative to the root.
    public static func relativePaths(for request: AMDKDS.VCEKRequest) -> [String] {
        let tcb = request.tcb
        var prefix = "bl\(AMDKDS.VCEKRequest.level(tcb.bootloader))_tee\(AMDKDS.VCEKRequest.level(tcb.tee))"
            + "_snp\(AMDKDS.VCEKRequest.level(tcb.snp))_ucode\(AMDKDS.VCEKRequest.level(tcb.microcode))"
        if let fmc = tcb.fmc { prefix += "_fmc\(AMDKDS.VCEKRequest.level(fmc))" }
        let directory = "vcek/\(Hex.encode(request.hardwareID))"
        return ["\(directory)/\(prefix)_vcek.der", "\(directory)/vcek.der"]
    }

    /// Answers a KDS VCEK URL from the store; other URLs, and VCEKs the store lacks, give `nil`.
    ///
    /// - Throws: when a file exists but cannot be read.
    public func fetch(_ url: String) async throws -> [UInt8]? {
        guard let request = AMDKDS.parseVCEKURL(url) else { return nil }
        for path in Self.relativePaths(for: request) {
            let file = root.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: file.path) {
                return [UInt8](try Data(contentsOf: file))
            }
        }
        return nil
    }
}
