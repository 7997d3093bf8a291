import Foundation
import HermeticServer
import KeyBroker
import Testing

@Suite("Server configuration: admin roles and reference value signers")
struct AdminConfigurationTests {
    func write(_ text: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-\(UUID().uuidString).toml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test("[admin.roles] replaces the default table; rv_signer_keys and rv_require_signed are read")
    func reads() throws {
        let configuration = try ServerConfiguration.load(file: write("""
            rv_signer_keys = ["/etc/hermetic/rv.pub"]
            rv_require_signed = true
            [admin.roles]
            root = ["*"]
            ci = ["resource.write", "reference-value.write"]
            """))
        #expect(configuration.adminRoles.permissions == ["root": Set(AdminPermission.allCases), "ci": [.resourceWrite, .referenceValueWrite]])
        #expect(configuration.referenceValueSignerKeyFiles == ["/etc/hermetic/rv.pub"])
        #expect(configuration.broker.requireSignedReferenceValues)
        #expect(try ServerConfiguration.load(file: write("listen = \"127.0.0.1:1\"")).adminRoles == .defaults)
    }

    @Test("an unknown permission, a role that is not a list, an unknown admin key, an empty table: each named")
    func refusals() throws {
        for (text, fragment) in [("[admin.roles]\nops = [\"resources.write\"]", "unknown permission \"resources.write\""),
                                 ("[admin.roles]\nops = \"*\"", "admin.roles.ops must be an array"),
                                 ("[admin]\nacl = 1", "unknown key admin.acl"),
                                 ("[admin.roles]", "role table is empty"),
                                 ("rv_signer_keys = \"/x\"", "rv_signer_keys must be an array")] {
            let error = #expect(throws: ServerError.self) { try ServerConfiguration.load(file: write(text)) }
            #expect(error?.message.contains(fragment) == true, "\(text): \(error?.message ?? "")")
        }
    }

    @Test("a signer key file that is missing or not a key stops the broker from starting, named")
    func signerKeyFiles() async throws {
        var configuration = ServerConfiguration()
        configuration.kekEnvironment = "HERMETIC_ADMIN_TEST_KEK"
        setenv("HERMETIC_ADMIN_TEST_KEK", String(repeating: "ab", count: 32), 1)
        configuration.store = "sqlite:" + FileManager.default.temporaryDirectory.appendingPathComponent("kbs-\(UUID().uuidString).sqlite").path
        configuration.referenceValueSignerKeyFiles = ["/nonexistent/rv.pub"]
        let missing = await #expect(throws: ServerError.self) { try await BrokerServer.makeBroker(configuration, verifiers: .init()) }
        #expect(missing?.message.contains("cannot read reference value signer key /nonexistent/rv.pub") == true)
        configuration.referenceValueSignerKeyFiles = [write("not a key")]
        let bad = await #expect(throws: ServerError.self) { try await BrokerServer.makeBroker(configuration, verifiers: .init()) }
        #expect(bad?.message.contains("not a PEM PUBLIC KEY") == true, "\(bad?.message ?? "")")
    }
}
