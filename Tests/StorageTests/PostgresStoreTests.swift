import Foundation
import Storage
import StoragePostgres
import Testing
import TestSupport

/// The store contract against a real PostgreSQL (a throwaway cluster on loopback; skipped when not installed).
@Suite("PostgreSQL store", .enabled(if: TemporaryPostgres.isInstalled, "PostgreSQL not installed: no /usr/lib/postgresql/*/bin/initdb and pg_ctl"))
struct PostgresStoreTests {
    @Test("the store contract: sealed resources, sessions and single-use nonces, policies, reference values, the audit chain, racing replicas")
    func contract() async throws {
        try await withTemporaryPostgres { server in
            func backing(_ database: String) throws -> StoreContract.Backing {
                let url = try server.createDatabase(database)
                return StoreContract.Backing { try await PostgresStore(url: url, kek: $0) }
            }
            try await StoreContract.resourcesAtRest(try backing("resources"))
            try await StoreContract.sessions(try backing("sessions"))
            try await StoreContract.policies(try backing("policies"))
            try await StoreContract.configurationGeneration(try backing("generation"))
            try await StoreContract.releases(try backing("releases"))
            try await StoreContract.auditChain(try backing("audit"))
            try await StoreContract.replicasRace(try backing("race"))
        }
    }

    @Test("TLS: verify-full against the server's certificate works; the server refuses plain TCP; a foreign root is refused by name")
    func tls() async throws {
        try await withTemporaryPostgres(tls: true) { server in
            let root = try #require(server.rootCertificateFile)
            let url = try server.createDatabase("tls")
            for mode in ["verify-full", "verify-ca"] {
                let store = try await PostgresStore(url: "\(url)?sslmode=\(mode)&sslrootcert=\(root)", kek: .generate())
                try await store.putResource(path: "default/key/\(mode)", value: Array("over TLS".utf8))
                #expect(try await store.resource(path: "default/key/\(mode)") == Array("over TLS".utf8))
                store.close()
            }
            // prefer and require encrypt without verifying, as libpq's do.
            for mode in ["prefer", "require"] {
                let store = try await PostgresStore(url: "\(url)?sslmode=\(mode)", kek: .generate())
                #expect(try await store.policyIDs() == [])
                store.close()
            }
            let plain = await #expect(throws: StoreError.self) { try await PostgresStore(url: "\(url)?sslmode=disable", kek: .generate()) }
            #expect(plain?.message.contains("no encryption") == true, "\(plain?.message ?? "")")
            let foreign = FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID().uuidString).pem").path
            try Data(try FakeSNPChip().vcekChainPEM.utf8).write(to: URL(fileURLWithPath: foreign))
            let untrusted = await #expect(throws: StoreError.self) {
                try await PostgresStore(url: "\(url)?sslmode=verify-full&sslrootcert=\(foreign)", kek: .generate())
            }
            #expect(untrusted?.message.contains(server.url(database: "tls").dropFirst("postgres://postgres@".count)) == true, "\(untrusted?.message ?? "")")
            let missing = await #expect(throws: StoreError.self) {
                try await PostgresStore(url: "\(url)?sslmode=verify-full&sslrootcert=/nonexistent/root.pem", kek: .generate())
            }
            #expect(missing?.message.contains("/nonexistent/root.pem") == true)
        }
    }

}

/// PostgreSQL connection strings and failures that need no server.
@Suite("PostgreSQL store without a server")
struct PostgresURLTests {
    @Test("connection strings: the parts, and errors that name what is wrong without repeating the password")
    func urls() throws {
        let url = try PostgresURL("postgres://kbs:s3cret@db.internal:6543/broker")
        #expect([url.user, url.password, url.host, "\(url.port)", url.database] == ["kbs", "s3cret", "db.internal", "6543", "broker"])
        #expect(url.location == "db.internal:6543/broker")
        #expect(try PostgresURL("postgresql://kbs@127.0.0.1").location == "127.0.0.1:5432/kbs")
        #expect(url.tlsMode == .prefer)
        let verified = try PostgresURL("postgres://kbs@h/x?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(verified.tlsMode == .verifyFull && verified.rootCertificateFile == "/etc/ca.pem")
        for bad in ["sqlite:/x", "postgres://db.internal/x", "postgres://kbs:s3cret@/x", "postgres://kbs:s3cret@h/x?sslmode=allow",
                    "postgres://kbs:s3cret@h/x?sslcert=c.pem", "postgres://kbs:s3cret@h/x?sslrootcert="] {
            let error = #expect(throws: StoreError.self) { try PostgresURL(bad) }
            #expect(error?.message.contains("s3cret") == false)
        }
    }

    @Test("an unreachable server is a store error naming the location, not the password")
    func unreachable() async throws {
        let error = await #expect(throws: StoreError.self) { try await PostgresStore(url: "postgres://kbs:s3cret@127.0.0.1:1/kbs", kek: .generate()) }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("127.0.0.1:1/kbs") == true)
        #expect(error?.message.contains("s3cret") == false)
    }
}
