#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// A TCB info or QE identity as Intel PCS serves it, `{"<name>": {...}, "signature": "<hex r‖s>"}`, reduced to
/// what the signature check needs: the inner object's exact bytes and the 64-byte raw ECDSA signature over them.
public struct SignedJSON: Sendable, Hashable {
    /// The inner object's bytes, as served.
    public let body: [UInt8]
    /// The ECDSA P-256 signature, raw r ‖ s.
    public let signature: [UInt8]

    /// Cuts the member `key` out of a PCS response.
    ///
    /// - Throws: ``TDXError`` `.malformedCollateral` naming `what` when the member or the signature is missing.
    init(response: [UInt8], key: String, what: String) throws {
        guard let range = JSONMemberSpan.range(of: key, in: response) else {
            throw TDXError(.malformedCollateral, "\(what) is not a JSON object with a \"\(key)\" member")
        }
        guard let span = JSONMemberSpan.range(of: "signature", in: response),
              let text = String(bytes: response[span], encoding: .utf8)
        else {
            throw TDXError(.malformedCollateral, "\(what) has no \"signature\" member")
        }
        try self.init(body: Array(response[range]), signatureHex: text.trimmingScalars(in: ["\""]), what: what)
    }

    /// Wraps an inner object and a hex signature given separately (dcap-qvl's collateral JSON).
    init(body: [UInt8], signatureHex: String, what: String) throws {
        guard let signature = Hex.decode(signatureHex), signature.count == 64 else {
            throw TDXError(.malformedCollateral, "\(what) signature is not 64 bytes of hex")
        }
        self.body = body
        self.signature = signature
    }
}

/// Field decoding shared by the TCB info and QE identity readers.
enum CollateralField {
    static func hex(_ text: String, bytes count: Int, _ field: String) throws -> [UInt8] {
        guard let bytes = Hex.decode(text), bytes.count == count else {
            throw TDXError(.malformedCollateral, "\(field) \"\(text)\" is not \(count) bytes of hex")
        }
        return bytes
    }

    static func date(_ text: String, _ field: String) throws -> Date {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) else {
            throw TDXError(.malformedCollateral, "\(field) \"\(text)\" is not an RFC 3339 time")
        }
        return date
    }

    static func status(_ text: String, _ field: String) throws -> TCBStatus {
        guard let status = TCBStatus(rawValue: text) else {
            throw TDXError(.malformedCollateral, "\(field) \"\(text)\" is no TCB status")
        }
        return status
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], _ what: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) } catch {
            throw TDXError(.malformedCollateral, "\(what) does not have the expected fields: \(error)")
        }
    }
}
