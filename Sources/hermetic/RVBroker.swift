import ArgumentParser
import Foundation
import HermeticCore
import KeyBroker
import ReferenceValues

/// `hermetic rv … --kbs URL --admin-key KEY`: the same operations as on a store file, through the key broker's admin
/// API (`/kbs/v0/reference-value`). Values come back in the `rv get` form and are read into ``ReferenceValue``s, so
/// listings print alike whichever store holds them.
struct RVBroker {
    let client: KBSClient
    let token: String
    let url: String

    init(url: String, adminKey: String, role: String) async throws {
        guard let base = URL(string: url), base.scheme == "http" || base.scheme == "https" else {
            throw ValidationError("--kbs \(url) is not an http(s) URL")
        }
        client = KBSClient(transport: URLSessionTransport(baseURL: base))
        token = try await Self.refusing { try await AdminToken.make(privateKeyPEM: try readText(adminKey), role: role) }
        self.url = url
    }

    /// Posts a Trustee RVPS message or a signed document as given; returns what the broker stored.
    func add(document: [UInt8]) async throws -> [ReferenceValue] {
        let response = try await Self.refusing {
            try await client.call("POST", "reference-value", body: document, headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"])
        }
        return try Self.values(response.body)
    }

    /// Every stored value.
    func list() async throws -> [ReferenceValue] {
        try Self.values(try await Self.refusing { try await client.call("GET", "reference-value", headers: ["Authorization": "Bearer \(token)"]) }.body)
    }

    /// One value.
    func get(_ id: String) async throws -> ReferenceValue {
        try Self.checkPathSafe(id)
        let response = try await Self.refusing { try await client.call("GET", "reference-value/\(id)", headers: ["Authorization": "Bearer \(token)"]) }
        return try RVFiles.run { try ReferenceValue(listing: try JSONValue(parsing: response.body)) }
    }

    /// Deletes one value.
    func delete(_ id: String) async throws {
        try Self.checkPathSafe(id)
        _ = try await Self.refusing { try await client.call("DELETE", "reference-value/\(id)", headers: ["Authorization": "Bearer \(token)"]) }
    }

    /// An id goes into the URL path as it is: refuse what would end or change the path.
    private static func checkPathSafe(_ id: String) throws {
        guard !id.isEmpty, id.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && !"?#%\\".unicodeScalars.contains($0) }) else {
            throw ValidationError("reference value id \"\(id.prefix(64))\" cannot go into a URL path: use printable ASCII without ?, #, % or \\")
        }
    }

    private static func values(_ body: [UInt8]) throws -> [ReferenceValue] {
        try RVFiles.run {
            guard let entries = (try? JSONValue(parsing: body))?.arrayValue else {
                throw ReferenceValueError(.malformed, "the broker's answer is not a JSON array of reference values")
            }
            return try entries.map { try ReferenceValue(listing: $0) }
        }
    }

    /// Runs a broker call; the broker's refusal is printed and becomes exit 1 when it is an authorisation or
    /// signature refusal, 2 otherwise (bad input, unknown id, unreachable broker).
    private static func refusing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as KBSClientError {
            FileHandle.standardError.write(Data("rv: the broker refused: \(error)\n".utf8))
            let rejected = error.variant.hasPrefix("AdminAuth") || (error.variant == "RvpsError" && error.detail.contains("signature"))
            throw ExitCode(rejected ? ExitStatus.rejected.rawValue : ExitStatus.badInput.rawValue)
        } catch let error as KBSError {
            FileHandle.standardError.write(Data("rv: \(error.detail)\n".utf8))
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
    }
}
