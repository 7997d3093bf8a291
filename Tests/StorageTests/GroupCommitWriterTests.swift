import Foundation
import GRDB
import Testing
@testable import Storage

@Suite("Group commit")
struct GroupCommitWriterTests {
    func pool() throws -> DatabasePool {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("group-commit-\(UUID().uuidString).sqlite").path
        let pool = try DatabasePool(path: path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE item (value INTEGER UNIQUE NOT NULL)") }
        return pool
    }

    @Test("concurrent writes all commit; a failing write is rolled back alone and gets its own error")
    func isolation() async throws {
        let pool = try pool()
        let writer = GroupCommitWriter(pool: pool)
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<300 {
                group.addTask {
                    // Every tenth write inserts two rows, the second a duplicate of the first: its savepoint must
                    // undo the first row too.
                    let duplicate = index % 10 == 0
                    do {
                        try await writer.write { db in
                            try db.execute(sql: "INSERT INTO item (value) VALUES (?)", arguments: [index])
                            if duplicate { try db.execute(sql: "INSERT INTO item (value) VALUES (?)", arguments: [index]) }
                        }
                        return (index, true)
                    } catch {
                        return (index, false)
                    }
                }
            }
            var outcomes: [Int: Bool] = [:]
            for await (index, succeeded) in group { outcomes[index] = succeeded }
            return outcomes
        }
        #expect(outcomes.count == 300)
        #expect(outcomes.filter { !$0.value }.keys.sorted() == Array(stride(from: 0, to: 300, by: 10)))
        let stored = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT value FROM item ORDER BY value") }
        #expect(stored == (0..<300).filter { $0 % 10 != 0 })
    }

    @Test("writes return their values, in the order each caller issued them")
    func valuesAndOrder() async throws {
        let pool = try pool()
        let writer = GroupCommitWriter(pool: pool)
        for index in 0..<20 {
            let count = try await writer.write { db -> Int in
                try db.execute(sql: "INSERT INTO item (value) VALUES (?)", arguments: [index])
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") ?? -1
            }
            #expect(count == index + 1)
        }
        let missing: Int? = try await writer.write { db in try Int.fetchOne(db, sql: "SELECT value FROM item WHERE value = 99") }
        #expect(missing == nil)
    }

    @Test("under concurrency, writes share commits")
    func batches() async throws {
        let pool = try pool()
        let commits = CommitCounter()
        pool.add(transactionObserver: commits, extent: .databaseLifetime)
        let writer = GroupCommitWriter(pool: pool)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try await writer.write { db in try db.execute(sql: "INSERT INTO item (value) VALUES (?)", arguments: [index]) } }
            }
            try await group.waitForAll()
        }
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") } == 200)
        #expect(commits.count > 0)
        #expect(commits.count < 200, "every write had its own commit")
    }
}

/// Counts committed transactions on the writer connection.
private final class CommitCounter: TransactionObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var commits = 0
    var count: Int { lock.withLock { commits } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { lock.withLock { commits += 1 } }
    func databaseDidRollback(_ db: Database) {}
}
