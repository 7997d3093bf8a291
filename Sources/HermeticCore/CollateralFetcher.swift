/// The one door to the network: every download of collateral (AMD KDS certificates and CRLs, Intel PCS
/// collateral, NVIDIA RIMs) goes through a value of this type.
///
/// Verifiers never open sockets themselves. Offline use is a fetcher that reads files; tests use fakes that answer
/// by parsing the URL with the library's own URL parser.
public protocol CollateralFetcher: Sendable {
    /// Fetches the resource at `url`.
    ///
    /// - Returns: the body, or `nil` when the source does not hold it (offline stores answer `nil`, not an error).
    /// - Throws: when the source holds it but cannot deliver it (I/O error, HTTP failure).
    func fetch(_ url: String) async throws -> [UInt8]?
}

/// A fetcher that holds nothing: verification uses only the collateral it is given.
public struct NoCollateralFetcher: CollateralFetcher {
    /// Creates the fetcher.
    public init() {}

    /// Always answers `nil`.
    public func fetch(_ url: String) async throws -> [UInt8]? { nil }
}
