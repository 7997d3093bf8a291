import Foundation
import HermeticCore
import Testing

/// The helpers that stand in for Foundation in the agent's targets give what Foundation gives.
@Suite struct FoundationEssentialsReplacementTests {
    static let samples = ["", "  ", "\t a b \n", "\r\nx\u{85}", "\u{2028}y\u{2029}", "\u{A0}z\u{3000}", "\u{200B}keep\u{200B}",
                          "é ", " \"quoted\" ", "\n\n", "a\u{0B}", "\u{1680}\u{202F}w\u{205F}"]

    @Test func trimmingMatchesFoundation() {
        for sample in Self.samples {
            #expect(sample.trimmingWhitespace() == sample.trimmingCharacters(in: .whitespacesAndNewlines), "\(sample.debugDescription)")
            #expect(sample.trimmingWhitespace(newlines: false) == sample.trimmingCharacters(in: .whitespaces), "\(sample.debugDescription)")
            #expect(sample.trimmingScalars(in: ["\"", " "]) == sample.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")))
        }
    }

    @Test func percentDecodingMatchesFoundation() {
        for sample in ["", "plain", "-----BEGIN%20CERTIFICATE-----%0AMII", "%41%62%2f", "100%", "%4", "%zz", "%C3%A9", "%C3", "%ff%fe", "a+b"] {
            #expect(sample.percentDecoded == sample.removingPercentEncoding, "\(sample)")
        }
    }

    @Test func fileKinds() throws {
        let directory = NSTemporaryDirectory() + "/file-kind-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory + "/f", contents: Data("x".utf8))
        try FileManager.default.createSymbolicLink(atPath: directory + "/l", withDestinationPath: "f")
        #expect(FileKind.of(directory) == .directory)
        #expect(FileKind.of(directory + "/f") == .regular)
        #expect(FileKind.of(directory + "/l") == .regular)
        #expect(FileKind.of(directory + "/l", followingLinks: false) == .symbolicLink)
        #expect(FileKind.of(directory + "/none") == nil)
        #expect(FileKind.of("/dev/null") == .other)
    }

    @Test func detachedThreadRuns() async {
        let value = await withCheckedContinuation { continuation in
            #expect(DetachedThread.start { continuation.resume(returning: 42) })
        }
        #expect(value == 42)
    }
}
