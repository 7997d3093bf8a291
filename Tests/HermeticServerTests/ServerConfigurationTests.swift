import Foundation
import HermeticServer
import Testing

@Suite("Server configuration (TOML)")
struct ServerConfigurationTests {
    func write(_ text: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-\(UUID().uuidString).toml").path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test("every key is read; limits land in the broker configuration")
    func reads() throws {
        let configuration = try ServerConfiguration.load(file: write("""
            listen = "0.0.0.0:9443"
            store = "sqlite:/var/lib/kbs.sqlite"
            kek_env = "KEK"
            admin_public_keys = ["/a.pub", "/b.pub"]
            allow_sample = true
            [limits]
            session_lifetime_seconds = 60
            max_live_sessions = 5
            max_body_bytes = 1024
            """))
        #expect(configuration.host == "0.0.0.0" && configuration.port == 9443)
        #expect(configuration.store == "sqlite:/var/lib/kbs.sqlite")
        #expect(configuration.kekEnvironment == "KEK")
        #expect(configuration.adminPublicKeyFiles == ["/a.pub", "/b.pub"])
        #expect(configuration.allowSample && !configuration.insecureAdmin)
        #expect(configuration.broker.sessionLifetime == 60 && configuration.broker.maxLiveSessions == 5 && configuration.broker.maxBodyBytes == 1024)
    }

    @Test("unknown keys, wrong types and bad addresses are named")
    func refusals() throws {
        for (text, fragment) in [("lissten = \"x\"", "unknown key lissten"), ("allow_sample = \"yes\"", "allow_sample"),
                                 ("listen = \"nohost\"", "HOST:PORT"), ("[limits]\nmax_body_bytes = -1", "limits.max_body_bytes"), ("x = [", "not valid TOML")] {
            let error = #expect(throws: ServerError.self) { try ServerConfiguration.load(file: write(text)) }
            #expect(error?.message.contains(fragment) == true, "\(text): \(error?.message ?? "")")
        }
        #expect(throws: ServerError.self) { try ServerConfiguration.load(file: "/nonexistent.toml") }
    }

    @Test("a broker is not built without a key-encryption key or with an unsupported store")
    func brokerPrerequisites() async throws {
        var configuration = ServerConfiguration()
        let noKEK = await #expect(throws: ServerError.self) { try await BrokerServer.makeBroker(configuration, verifiers: .init()) }
        #expect(noKEK?.message.contains("key-encryption key") == true)
        configuration.kekEnvironment = "HERMETIC_TEST_KEK_UNSET_\(UUID().uuidString.prefix(8))"
        await #expect(throws: (any Error).self) { try await BrokerServer.makeBroker(configuration, verifiers: .init()) }
    }
}
