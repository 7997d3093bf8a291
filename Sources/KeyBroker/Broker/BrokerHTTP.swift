import Foundation

/// A request as the broker sees it, independent of the HTTP server in front of it.
public struct BrokerRequest: Sendable {
    /// `GET`, `POST`, `DELETE`, ...
    public var method: String
    /// The path after `/kbs/v0/`, undecoded, without the query.
    public var path: String
    /// The query string without `?`, or empty.
    public var query: String
    /// Headers, names lowercased.
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]
    /// The client (peer address), for the audit log.
    public var client: String

    /// Creates a request.
    public init(method: String, path: String, query: String = "", headers: [String: String] = [:], body: [UInt8] = [], client: String = "") {
        self.method = method
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
        self.client = client
    }

    /// The value of cookie `name`, if sent.
    public func cookie(_ name: String) -> String? {
        guard let header = headers["cookie"] else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0] == name { return pair[1] }
        }
        return nil
    }

    /// The token of an `Authorization: Bearer` header, if sent.
    public var bearerToken: String? {
        guard let header = headers["authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}

/// A response as the broker produces it.
public struct BrokerResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// Headers to send (name, value).
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    public static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> BrokerResponse {
        BrokerResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }

    /// The `ErrorInformation` response for `error`.
    public static func error(_ error: KBSError) -> BrokerResponse {
        json(error.json.serialized(), status: error.status)
    }
}
