import EventLog
import HermeticCore

/// One AAEL event entry, `<Domain> <Operation> <Content>` (Trustee's `confidential-containers-eventlog.md`):
/// printable characters only, no white space in the domain or operation, no line feed anywhere.
public struct AAELEvent: Sendable, Hashable {
    /// The domain (a URI is recommended).
    public let domain: String
    /// The operation within the domain.
    public let operation: String
    /// The content.
    public let content: String

    /// Creates an event, checking the format rules.
    ///
    /// - Throws: ``GuestAttesterError`` (`badInput`) naming the field that breaks a rule.
    public init(domain: String, operation: String, content: String) throws(GuestAttesterError) {
        func printable(_ text: String, spaces: Bool) -> Bool {
            !text.isEmpty && text.utf8.allSatisfy { (spaces && $0 == 0x20) || (0x21...0x7E).contains($0) }
        }
        guard printable(domain, spaces: false) else { throw GuestAttesterError(.badInput, "AAEL domain must be printable with no white space") }
        guard printable(operation, spaces: false) else { throw GuestAttesterError(.badInput, "AAEL operation must be printable with no white space") }
        guard printable(content, spaces: true) else { throw GuestAttesterError(.badInput, "AAEL content must be printable with no line feed") }
        self.domain = domain
        self.operation = operation
        self.content = content
    }

    /// The entry as one line, without its line feed: the bytes whose digest extends the register.
    public var entry: String { "\(domain) \(operation) \(content)" }

    /// Confidential Containers' image pull event: domain `github.com/confidential-containers`, operation
    /// `PullImage`, content the canonical JSON `{"digest":…,"image":…}`.
    public static func pullImage(_ image: String, digest: String) throws(GuestAttesterError) -> AAELEvent {
        try AAELEvent(domain: "github.com/confidential-containers", operation: "PullImage",
                      content: JSONValue.object(["image": .string(image), "digest": .string(digest)]).canonicalJSON())
    }

    /// Hermetic's container start event: domain `github.com/hermetic`, operation `StartContainer`, content the
    /// canonical JSON `{"container":…,"image":…}`.
    public static func startContainer(_ container: String, image: String) throws(GuestAttesterError) -> AAELEvent {
        try AAELEvent(domain: "github.com/hermetic", operation: "StartContainer",
                      content: JSONValue.object(["container": .string(container), "image": .string(image)]).canonicalJSON())
    }
}

/// An Attestation Agent Event Log in its raw text form: `INIT/<alg> <hex>` (the register's value when the log
/// began), then one event per line. Replaying it, each event's digest (over the entry without its line feed) is
/// extended into the INIT value; the result must equal the register.
public struct AAEL: Sendable, Hashable {
    /// The register's hash.
    public let algorithm: AAELAlgorithm
    /// The register's value when the log began.
    public let initial: [UInt8]
    /// The events, in order.
    public private(set) var events: [AAELEvent]

    /// A new log starting from `initial`.
    public init(algorithm: AAELAlgorithm, initial: [UInt8]) {
        self.algorithm = algorithm
        self.initial = Array((initial + [UInt8](repeating: 0, count: algorithm.size)).prefix(algorithm.size))
        self.events = []
    }

    /// Reads a log.
    ///
    /// - Throws: ``GuestAttesterError`` (`badInput`) naming the line that does not parse.
    public init(text: String) throws(GuestAttesterError) {
        guard text.isEmpty || text.hasSuffix("\n") else { throw GuestAttesterError(.badInput, "AAEL does not end with a line feed") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard let first = lines.first else { throw GuestAttesterError(.badInput, "AAEL is empty: no INIT entry") }
        let head = first.split(separator: " ", maxSplits: 1).map(String.init)
        guard head.count == 2, head[0].hasPrefix("INIT/"), let algorithm = AAELAlgorithm(rawValue: String(head[0].dropFirst(5))),
              let value = Hex.decode(head[1]), value.count == algorithm.size else {
            throw GuestAttesterError(.badInput, "AAEL line 1 is not INIT/<sha256|sha384|sha512> <hex digest>")
        }
        self.init(algorithm: algorithm, initial: value)
        for (number, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else { throw GuestAttesterError(.badInput, "AAEL line \(number + 2) is not <domain> <operation> <content>") }
            events.append(try AAELEvent(domain: fields[0], operation: fields[1], content: fields[2]))
        }
    }

    /// Appends an event (the caller extends the register).
    public mutating func append(_ event: AAELEvent) { events.append(event) }

    /// The INIT line.
    public var initLine: String { "INIT/\(algorithm.rawValue) \(Hex.encode(initial))" }

    /// The whole log as text.
    public var text: String { ([initLine] + events.map(\.entry)).map { $0 + "\n" }.joined() }

    /// The digest an event extends the register with.
    public func digest(of event: AAELEvent) -> [UInt8] { algorithm.hash(Array(event.entry.utf8)) }

    /// The register value the log predicts.
    public func replay() -> [UInt8] {
        events.reduce(initial) { value, event in algorithm.hash(value + digest(of: event)) }
    }
}

extension AAELEvent {
    /// guest-components' tagged-event id for AAEL, `"AAEL"` read as a little-endian u32 (bytes `4C 45 41 41`).
    public static let taggedEventID: UInt32 = 0x4141_454C

    /// The event data of the TCG2 form: TCG_PCClientTaggedEvent `{u32 id = AAEL, u32 size, entry text}`.
    public var taggedEventData: [UInt8] {
        let text = Array(entry.utf8)
        return withUnsafeBytes(of: Self.taggedEventID.littleEndian, Array.init) + withUnsafeBytes(of: UInt32(text.count).littleEndian, Array.init) + text
    }

    /// The whole crypto-agile TCG2 event (`TCG_PCR_EVENT2`) for a CC event log: `u32 index` (the CC measurement
    /// register, RTMR n = index n+1), `u32 type = EV_EVENT_TAG (6)`, one digest (algorithm id, the hash of the tagged
    /// event data), `u32 size`, the tagged event data.
    public func tcg2Event(measurementRegisterIndex index: UInt32, algorithm: AAELAlgorithm) -> [UInt8] {
        let data = taggedEventData
        return littleEndianBytes(index) + littleEndianBytes(TCGEvent.eventTag) + littleEndianBytes(UInt32(1))
            + littleEndianBytes(algorithm.tcgAlgorithmID) + algorithm.hash(data) + littleEndianBytes(UInt32(data.count)) + data
    }
}

extension AAELEvent {
    /// Reads the event back from its TCG2 event data (``taggedEventData``).
    ///
    /// - Throws: ``GuestAttesterError`` (`badInput`) when the data is not an AAEL tagged event or its text breaks
    ///   the format rules.
    public init(taggedEventData data: [UInt8]) throws(GuestAttesterError) {
        func le32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(data[at + $1]) << (8 * $1) } }
        guard data.count >= 8, le32(0) == Int(Self.taggedEventID) else {
            throw GuestAttesterError(.badInput, "event data is not an AAEL tagged event (no LEAA tag)")
        }
        guard le32(4) == data.count - 8 else {
            throw GuestAttesterError(.badInput, "AAEL tagged event declares \(le32(4)) bytes of text, carries \(data.count - 8)")
        }
        let fields = String(decoding: data[8...], as: UTF8.self).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 3 else { throw GuestAttesterError(.badInput, "AAEL tagged event text is not <domain> <operation> <content>") }
        try self.init(domain: fields[0], operation: fields[1], content: fields[2])
    }
}
