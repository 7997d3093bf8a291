#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One HTTP exchange with a registry, whole bodies (blobs move in ranges and chunks of bounded size).
public struct RegistryRequest: Sendable {
    /// The method.
    public var method: String
    /// The absolute URL.
    public var url: URL
    /// Request headers.
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, url: URL, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A registry's answer; header names lowercased.
public struct RegistryResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Headers, names lowercased.
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The one door to the network for the distribution client, so tests and offline use can substitute it.
public protocol RegistryTransport: Sendable {
    /// Sends one request.
    func send(_ request: RegistryRequest) async throws -> RegistryResponse
}
