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
        for bad in ["sqlite:/x", "postgres://db.internal/x", "postgres://kbs:s3cret@/x", "postgres://kbs:s3cret@h/x?sslmode=require"] {
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
