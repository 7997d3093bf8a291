import OCI
import Testing

@Suite("Image references")
struct ImageReferenceTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    @Test("host:port/name:tag@digest fetches the digest (the form a pinned pod policy holds)")
    func tagAndDigest() throws {
        let both = try ImageReference(parsing: "127.0.0.1:5000/demo/app:v1@\(Self.digest)")
        #expect(both.registry == "127.0.0.1:5000" && both.repository == "demo/app" && both.reference == Self.digest)
        let tagged = try ImageReference(parsing: "127.0.0.1:5000/demo/app:v1")
        #expect(tagged.repository == "demo/app" && tagged.reference == "v1")
        let bare = try ImageReference(parsing: "registry.local:443/app")
        #expect(bare.registry == "registry.local:443" && bare.repository == "app" && bare.reference == "latest")
        #expect(throws: (any Error).self) { try ImageReference(parsing: "registry.local/app@sha256:short") }
    }
}
