/// A platform as an image index names its manifests: `os/architecture[/variant]`, e.g. `linux/amd64` or
/// `linux/arm64/v8`.
public struct Platform: Sendable, Hashable, CustomStringConvertible {
    /// The operating system (`linux`).
    public let os: String
    /// The CPU architecture in Go's names (`amd64`, `arm64`, `s390x`, …).
    public let architecture: String
    /// The variant (`v8`), when one is asked for.
    public let variant: String?

    /// A platform.
    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    /// Reads `os/architecture[/variant]`.
    ///
    /// - Throws: ``OCIError`` `.malformed` for any other shape.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else {
            throw OCIError(.malformed, "platform \"\(text.prefix(64))\" is not os/architecture[/variant], e.g. linux/amd64")
        }
        self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
    }

    /// The platform an index entry names, or `nil` when it names none.
    public init?(of descriptor: Descriptor) {
        guard let os = descriptor.platform?["os"]?.stringValue, let architecture = descriptor.platform?["architecture"]?.stringValue else { return nil }
        self.init(os: os, architecture: architecture, variant: descriptor.platform?["variant"]?.stringValue)
    }

    /// Whether the index entry `descriptor` is for this platform: same os and architecture, and the same variant when
    /// this platform names one.
    public func matches(_ descriptor: Descriptor) -> Bool {
        guard let other = Platform(of: descriptor), other.os == os, other.architecture == architecture else { return false }
        return variant == nil || other.variant == variant
    }

    /// `os/architecture[/variant]`.
    public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }
}
