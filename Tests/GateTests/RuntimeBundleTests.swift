import Foundation
import HermeticCore
import Testing
@testable import Gate

/// The bundle's `config.json`: the same bytes as before the agent dropped `JSONSerialization` (sorted keys, escaped
/// slashes), recorded in `Fixtures/gate/runtime-bundle-config.json`.
@Suite struct RuntimeBundleTests {
    @Test func configurationBytesAreUnchanged() throws {
        let expected = try Data(contentsOf: GateFixtures.directory.appendingPathComponent("gate/runtime-bundle-config.json"))
        let written = try RuntimeBundle.encode(RuntimeBundle.configuration())
        #expect(written == expected)
    }

    @Test func writeUsesTheHostname() throws {
        let directory = NSTemporaryDirectory() + "/runtime-bundle-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try RuntimeBundle.write(into: directory, hostname: "web-1")
        let config = try JSONValue(parsing: [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/config.json"))))
        #expect(config["hostname"]?.stringValue == "web-1")
        #expect(config["root"]?["readonly"]?.boolValue == true)
        #expect(config["process"]?["capabilities"]?["bounding"]?.arrayValue?.count == RuntimeBundle.capabilities.count)
    }
}
