import ArgumentParser
import Foundation
import HermeticCore
import ReferenceValues

/// `hermetic rv`: the local reference value store.
struct RVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rv",
        abstract: "Manage reference values in a local store file or a key broker: add (Trustee RVPS messages, signed documents, single values), list, get, delete.",
        discussion: """
            Every value carries its provenance (how it entered the store, who vouches for it, from what inputs) and
            an expiry; an expired value is kept but not served to policies, and appraisals say so. With --kbs URL
            --admin-key KEY the same subcommands act on the broker's values through its admin API.
            """,
        subcommands: [Add.self, List.self, Get.self, Delete.self, Sign.self]
    )

    /// Options every subcommand takes: a store file, or a key broker.
    struct StoreOptions: ParsableArguments {
        @Option(help: "The store file (JSON; created on the first add).") var store: String?
        @Option(help: "A key broker's base URL: the values live in its database, reached through its admin API.") var kbs: String?
        @Option(help: "With --kbs: the admin private key (PEM, Ed25519 or P-256) that signs the admin token.") var adminKey: String?
        @Option(help: "With --kbs: the admin token's role (default admin).") var adminRole: String = "admin"
        @Option(help: "The time expiry is judged at and additions are stamped with (RFC 3339); default: now.") var at: String?

        func validate() throws {
            guard (store == nil) != (kbs == nil) else { throw ValidationError("give exactly one of --store FILE or --kbs URL") }
            if kbs != nil, adminKey == nil { throw ValidationError("--kbs needs --admin-key") }
        }

        func time() throws -> Date {
            guard let at else { return Date() }
            guard let date = try? Date(at, strategy: Date.ISO8601FormatStyle()) else {
                throw ValidationError("--at \"\(at)\" is not an RFC 3339 time such as 2025-06-01T00:00:00Z")
            }
            return date
        }

        func open() throws -> ReferenceValueStore {
            guard let store else { throw ValidationError("this needs --store") }
            return try RVFiles.run { try ReferenceValueStore(path: store) }
        }

        /// The broker, when `--kbs` is given.
        func broker() async throws -> RVBroker? {
            guard let kbs, let adminKey else { return nil }
            return try await RVBroker(url: kbs, adminKey: adminKey, role: adminRole)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add reference values from a Trustee RVPS message, a signed document, or one id and value.",
            discussion: """
                --rvps FILE: Trustee's {"version":"0.1.0","type":"sample","payload":…}; the values expire after
                --months (12, Trustee's rule) unless --expires is given. --signed FILE with --key PEM (repeatable):
                Hermetic's signed document; an unverifiable signature exits 1 and adds nothing. --id and --value
                (JSON; a bare string is taken as a string): one value. With --kbs the document or message goes to the
                broker as it is: RVPS messages and single values get Trustee's 12 months and the admin token's subject
                as issuer, and signed documents are verified with the broker's --rv-signer-key keys.
                """
        )
        @OptionGroup var options: StoreOptions
        @Option(help: "A Trustee RVPS message file.") var rvps: String?
        @Option(help: "A signed reference value document.") var signed: String?
        @Option(help: "A tenant public key (PEM) that may sign documents; repeatable.") var key: [String] = []
        @Option(help: "The id of one value.") var id: String?
        @Option(help: "The value (JSON, e.g. [\"ab12…\"]).") var value: String?
        @Option(help: "Expiry (RFC 3339) for --rvps or --id values.") var expires: String?
        @Option(help: "Lifetime in months for --rvps values without --expires.") var months: Int = RVPSMessage.defaultLifetimeMonths
        @Option(help: "Who vouches for --rvps or --id values (recorded as provenance).") var issuer: String?
        @Option(help: "The inputs the --id value was computed from (JSON, e.g. the output of measure --json).") var inputs: String?

        func run() async throws {
            let sources = [rvps != nil, signed != nil, id != nil].filter { $0 }.count
            guard sources == 1 else { throw ValidationError("give exactly one of --rvps, --signed, or --id with --value") }
            if let broker = try await options.broker() {
                try await add(to: broker)
                return
            }
            let time = try options.time()
            let expiry = try expires.map { text in
                guard let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) else {
                    throw ValidationError("--expires \"\(text)\" is not an RFC 3339 time")
                }
                return date
            }
            var added: [ReferenceValue]
            if let rvps {
                let message = try RVFiles.run { try RVPSMessage(json: try RVFiles.bytes(rvps)) }
                added = message.referenceValues(at: time, lifetimeMonths: months, issuer: issuer)
                if let expiry { added = added.map { var value = $0; value.expires = expiry; return value } }
            } else if let signed {
                guard !key.isEmpty else { throw ValidationError("--signed needs at least one --key") }
                added = try RVFiles.run { try SignedReferenceValues(json: try RVFiles.bytes(signed), keys: try keys(), at: time).referenceValues }
            } else {
                guard let id, let value else { throw ValidationError("--id needs --value") }
                let parsed = try RVFiles.json(value, what: "--value")
                let inputValue = try inputs.map { try RVFiles.json($0, what: "--inputs") }
                added = [ReferenceValue(id: id, value: parsed, expires: expiry,
                                        provenance: Provenance(source: .manual, issuer: issuer, inputs: inputValue, addedAt: time))]
            }
            var store = try options.open()
            try RVFiles.run { try store.add(added) }
            Self.report(added)
        }

        /// Sends the message or document to the broker as it is; the broker stamps, verifies and keeps it.
        private func add(to broker: RVBroker) async throws {
            guard expires == nil, inputs == nil, issuer == nil, options.at == nil, months == RVPSMessage.defaultLifetimeMonths else {
                throw ValidationError("""
                    with --kbs the broker sets expiry (Trustee's 12 months), issuer (the admin token's subject) and time; \
                    to choose expiry and inputs, sign a document (rv sign) and add it with --signed
                    """)
            }
            let document: [UInt8]
            if let rvps {
                document = try RVFiles.run { try RVFiles.bytes(rvps) }
            } else if let signed {
                document = try RVFiles.run { try RVFiles.bytes(signed) }
                if !key.isEmpty {
                    _ = try RVFiles.run { try SignedReferenceValues(json: document, keys: try keys(), at: Date()) }
                }
            } else {
                guard let id, let value else { throw ValidationError("--id needs --value") }
                document = Array(RVPSMessage.sample([id: try RVFiles.json(value, what: "--value")]).utf8)
            }
            Self.report(try await broker.add(document: document))
        }

        private func keys() throws -> [ReferenceValueVerificationKey] {
            try key.map { path in
                try RVFiles.run { try ReferenceValueVerificationKey(pem: String(decoding: try RVFiles.bytes(path), as: UTF8.self)) }
            }
        }

        private static func report(_ added: [ReferenceValue]) {
            for value in added { print("added \(value.id)\(value.expires.map { " (expires \(Timestamp.text($0)))" } ?? "")") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored reference values with their expiry and provenance.")
        @OptionGroup var options: StoreOptions
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            let values = try await options.broker()?.list() ?? options.open().values
            let time = try options.time()
            if json {
                print(JSONValue.array(values.map { $0.listing(at: time) }).serialized(pretty: true))
                return
            }
            for value in values {
                let state = value.isExpired(at: time) ? "EXPIRED" : "valid"
                let expiry = value.expires.map { Timestamp.text($0) } ?? "never"
                print("\(value.id)\t\(state)\texpires \(expiry)\t\(value.provenance.source.rawValue)\(value.provenance.issuer.map { " by \($0)" } ?? "")")
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one reference value with its provenance (exit 2 when absent).")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The reference value id.") var id: String

        func run() async throws {
            if let broker = try await options.broker() {
                print(try await broker.get(id).listing(at: try options.time()).serialized(pretty: true))
                return
            }
            let store = try options.open()
            guard let value = store.value(id: id) else {
                throw InputError(description: "reference values: no reference value \(id) in \(store.path)")
            }
            print(value.listing(at: try options.time()).serialized(pretty: true))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete one reference value (exit 2 when absent).")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The reference value id.") var id: String

        func run() async throws {
            if let broker = try await options.broker() {
                try await broker.delete(id)
            } else {
                var store = try options.open()
                try RVFiles.run { try store.delete(id: id) }
            }
            print("deleted \(id)")
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign reference values as a tenant: print Hermetic's signed document for rv add --signed.",
            discussion: "Values come from --id/--value pairs (in order); the key is a PKCS#8 PEM Ed25519, P-256 or P-384 private key."
        )
        @Option(help: "The private key (PEM).") var key: String
        @Option(help: "The issuer name recorded in the document.") var issuer: String
        @Option(help: "A reference value id; repeatable, paired with --value.") var id: [String] = []
        @Option(help: "The value (JSON) for the --id at the same position.") var value: [String] = []
        @Option(help: "Expiry (RFC 3339) of every value.") var expires: String?
        @Option(help: "The inputs the values were computed from (JSON).") var inputs: String?
        @Option(help: "The issue time (RFC 3339); default: now.") var at: String?

        func run() throws {
            guard !id.isEmpty, id.count == value.count else { throw ValidationError("give one --value per --id") }
            let time = try at.map { text in
                guard let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) else { throw ValidationError("--at \"\(text)\" is not RFC 3339") }
                return date
            } ?? Date()
            let expiry = try expires.map { text in
                guard let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) else { throw ValidationError("--expires \"\(text)\" is not RFC 3339") }
                return date
            }
            let signingKey = try RVFiles.run { try ReferenceValueSigningKey(pem: String(decoding: try RVFiles.bytes(key), as: UTF8.self)) }
            let inputValue = try inputs.map { try RVFiles.json($0, what: "--inputs") }
            var values: [ReferenceValue] = []
            for (index, name) in id.enumerated() {
                values.append(ReferenceValue(id: name, value: try RVFiles.json(value[index], what: "--value"), expires: expiry,
                                             provenance: Provenance(source: .signed, issuer: issuer, inputs: inputValue, addedAt: time)))
            }
            print(try RVFiles.run { try SignedReferenceValues.sign(values, issuer: issuer, at: time, with: signingKey) })
        }
    }
}

/// File and error plumbing for the `rv` and `appraise` commands.
enum RVFiles {
    /// Runs `body`, turning a ``ReferenceValueError`` into the CLI's exit code (1 for a bad signature, 2 otherwise)
    /// with its message on stderr.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ReferenceValueError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(ExitStatus(error.kind).rawValue)
        }
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReferenceValueError(.malformed, "cannot read \(path)")
        }
        return [UInt8](data)
    }

    /// A JSON option value; text that is not JSON is taken as a string.
    static func json(_ text: String, what: String) throws -> JSONValue {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) { return value }
        return .string(text)
    }
}
