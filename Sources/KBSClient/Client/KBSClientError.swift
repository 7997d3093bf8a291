/// A failure the broker reported (its `ErrorInformation`), or a failure to reach it or read its answer.
public struct KBSClientError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status (0 when there was no HTTP answer).
    public let status: Int
    /// The `ErrorInformation` type, if any.
    public let type: String
    /// The detail.
    public let detail: String

    /// Creates an error.
    public init(status: Int, type: String, detail: String) {
        self.status = status
        self.type = type
        self.detail = detail
    }

    /// The variant name at the end of `type` (`PolicyDeny`, ...).
    public var variant: String { type.split(separator: "/").last.map(String.init) ?? "" }

    public var description: String {
        status == 0 ? detail : "HTTP \(status) \(variant): \(detail)"
    }
}
