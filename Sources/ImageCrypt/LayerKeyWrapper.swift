/// Wraps a layer's private options for some recipients and writes them as one annotation value.
public protocol LayerKeyWrapper: Sendable {
    /// The annotation the wrapped key goes in.
    var annotationKey: String { get }

    /// Wraps `privateOptions` (ocicrypt's private options JSON, which holds the layer key).
    ///
    /// - Returns: the annotation value (standard base64 of the wrapped form).
    func wrap(_ privateOptions: [UInt8]) async throws -> String
}

/// Recovers a layer's private options from one annotation value.
public protocol LayerKeyUnwrapper: Sendable {
    /// The annotation this unwrapper reads.
    var annotationKey: String { get }

    /// Unwraps the private options JSON from `annotationValue`.
    ///
    /// - Throws: ``ImageCryptError`` `.noUsableKey` when none of its keys opens the value, `.malformed` when the value
    ///   is not of the scheme's form, `.keyProvider` when a broker could not be asked.
    func unwrap(_ annotationValue: String) async throws -> [UInt8]
}
