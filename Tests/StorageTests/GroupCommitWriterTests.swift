import Foundation
import GRDB
import Storage
import Testing

@Suite("Group commit")
struct GroupCommitWriterTests {
    private struct Refused: Error, Equatable {}

    /// A pool with one table.
    private static func database() throws -> DatabasePool {
        let pool = try DatabasePool(path: temporaryDatabase())
        try pool.write { try $0.execute(sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT NOT NULL)") }
        return pool
    }

    /// A write that holds the writer connection until `queued` further writes wait behind it: those then form one
    /// group, deterministically.
    private static func hold(_ writer: GroupCommitWriter, until queued: Int) async throws {
        try await writer.write { _ in
            let deadline = Date().addingTimeInterval(30)
            while writer.queuedWrites < queued, Date() < deadline { usleep(1_000) }
        }
    }

    private static func labels(_ pool: DatabasePool) throws -> [Int64: String] {
        try pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, label FROM item").map { ($0["id"] as Int64, $0["label"] as String) })
        }
    }

    @Test("writes that queue behind a commit share the next transaction; each gets its own result")
    func grouping() async throws {
        let pool = try Self.database()
        let writer = GroupCommitWriter(pool)
        let results = try await withThrowingTaskGroup(of: Int64.self) { group in
            group.addTask { try await Self.hold(writer, until: 100); return 0 }
            for index in 1...100 {
                group.addTask {
                    try await writer.write { db in
                        try db.execute(sql: "INSERT INTO item (id, label) VALUES (?, ?)", arguments: [index, "w\(index)"])
                        return db.lastInsertedRowID
                    }
                }
            }
            return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(results == Set(0...100))
        #expect(writer.transactions == 2)
        #expect(try Self.labels(pool).count == 100)
    }

    @Test("a write that throws is rolled back alone and gets its error; the rest of its group is stored")
    func failureIsolated() async throws {
        let pool = try Self.database()
        let writer = GroupCommitWriter(pool)
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            group.addTask { (0, (try? await Self.hold(writer, until: 3)) != nil) }
            for index in 1...3 {
                group.addTask {
                    do {
                        try await writer.write { db in
                            try db.execute(sql: "INSERT INTO item (id, label) VALUES (?, ?)", arguments: [index, "w\(index)"])
                            if index == 2 { throw Refused() }
                        }
                        return (index, true)
                    } catch {
                        return (index, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes == [0: true, 1: true, 2: false, 3: true])
        #expect(try Self.labels(pool) == [1: "w1", 3: "w3"])
        #expect(writer.transactions == 2)
    }

    @Test("a failure that ends the whole transaction fails every write of the group, and none is stored")
    func transactionLost() async throws {
        let pool = try Self.database()
        let writer = GroupCommitWriter(pool)
        let failures = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await Self.hold(writer, until: 3)) == nil }
            for index in 1...3 {
                group.addTask {
                    do {
                        try await writer.write { db in
                            try db.execute(sql: "INSERT INTO item (id, label) VALUES (?, ?)", arguments: [index, "w\(index)"])
                            if index == 2 { try db.execute(sql: "ROLLBACK") }
                        }
                        return false
                    } catch {
                        return true
                    }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 3)
        #expect(try Self.labels(pool).isEmpty)
        // The writer goes on: the next write is its own group, and it is stored.
        try await writer.write { try $0.execute(sql: "INSERT INTO item (id, label) VALUES (9, 'after')") }
        #expect(try Self.labels(pool) == [9: "after"])
    }
}
