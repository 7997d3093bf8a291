#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// DCAP evidence as a verifier receives it: the quote, and for TDX an optional CC event log.
///
/// Three forms are read (``parse(_:)``): the raw quote, the quote as hexadecimal text, and Trustee's evidence
/// JSON, `{"quote": "<base64>", "cc_eventlog": "<base64>" | null}` (`tdx`) or `{"quote": "<base64>"}` (`sgx`).
public struct QuoteEvidence: Sendable {
    /// The quote bytes as received.
    public var quoteBytes: [UInt8]
    /// The parsed quote.
    public var quote: Quote
    /// The CC event log (the CCEL ACPI table's log area, and any runtime events the guest appended), when the
    /// evidence carries one.
    public var eventLog: [UInt8]?

    /// Reads evidence in any of the accepted forms.
    ///
    /// - Throws: ``TDXError`` `.malformedEvidence` or `.malformedQuote` naming what is wrong.
    public static func parse(_ bytes: [UInt8]) throws -> QuoteEvidence {
        let trimmed = bytes.drop { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if trimmed.first == UInt8(ascii: "{") {
            return try trustee(Array(trimmed))
        }
        if let text = String(validating: bytes, as: UTF8.self), let decoded = Hex.decode(text), !decoded.isEmpty {
            return QuoteEvidence(quoteBytes: decoded, quote: try Quote(bytes: decoded))
        }
        return QuoteEvidence(quoteBytes: bytes, quote: try Quote(bytes: bytes))
    }

    private static func trustee(_ bytes: [UInt8]) throws -> QuoteEvidence {
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else {
            throw TDXError(.malformedEvidence, "evidence is not JSON")
        }
        guard let text = document["quote"]?.stringValue, let quoteBytes = Base64.decode(text), !quoteBytes.isEmpty else {
            throw TDXError(.malformedEvidence, "evidence JSON has no base64 \"quote\"")
        }
        var eventLog: [UInt8]?
        switch document["cc_eventlog"] {
        case nil, .null?: eventLog = nil
        case .string(let log)?:
            guard let decoded = Base64.decode(log) else {
                throw TDXError(.malformedEvidence, "evidence JSON \"cc_eventlog\" is not base64")
            }
            eventLog = decoded.isEmpty ? nil : decoded
        default:
            throw TDXError(.malformedEvidence, "evidence JSON \"cc_eventlog\" is neither a base64 string nor null")
        }
        return QuoteEvidence(quoteBytes: quoteBytes, quote: try Quote(bytes: quoteBytes), eventLog: eventLog)
    }
}
