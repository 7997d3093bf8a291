import Foundation

/// Paths and loaders for the files under `Tests/Fixtures`.
public enum Fixtures {
    /// The `Tests/Fixtures` directory of this checkout.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures")

    /// The URL of a fixture by its path under `Tests/Fixtures`.
    public static func url(_ path: String) -> URL { directory.appendingPathComponent(path) }

    /// The bytes of a fixture.
    public static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(path))) }

    /// A time from an RFC 3339 string such as `2025-06-01T00:00:00Z`.
    public static func time(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: 0)
    }

    /// The directory holding built products (`.build/debug`), for tests that run the `hermetic` executable.
    public static var productsDirectory: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }
}
