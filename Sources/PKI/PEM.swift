import SwiftASN1

/// Reading of files that hold DER or PEM objects, as users have them.
public enum PEMFile {
    /// The DER documents in `bytes`: each PEM block of the accepted labels, or the bytes themselves when they are DER.
    ///
    /// - Parameter labels: the PEM labels to keep (e.g. `CERTIFICATE`, `X509 CRL`); other blocks are skipped.
    /// - Throws: ``PKIError`` when the text is PEM but a block is corrupt.
    public static func derDocuments(in bytes: [UInt8], labels: Set<String>) throws -> [[UInt8]] {
        guard let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN ") else {
            return bytes.isEmpty ? [] : [bytes]
        }
        do {
            return try PEMDocument.parseMultiple(pemString: text)
                .filter { labels.contains($0.discriminator) }
                .map(\.derBytes)
        } catch {
            throw PKIError.malformed("PEM does not parse: \(error)")
        }
    }
}
