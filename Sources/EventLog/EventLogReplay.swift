import Crypto
import HermeticCore

/// Replays a TCG event log into every bank it carries digests for: each PCR starts at zero (PCR 0 at the locality
/// a `StartupLocality` event names, as an H-CRTM platform starts it) and is extended in log order with each
/// event's digest: `PCR = H(PCR ‖ digest)`. `EV_NO_ACTION` events are not extended.
public struct EventLogReplay: Sendable, Hashable {
    /// The replayed values: algorithm → PCR index → value.
    public let banks: [UInt16: [UInt32: [UInt8]]]

    /// Replays `log` into every bank whose hash this code computes (SHA-1, SHA-256, SHA-384, SHA-512).
    public init(_ log: TCGEventLog) {
        var banks: [UInt16: [UInt32: [UInt8]]] = [:]
        var locality: UInt8 = 0
        for event in log.events where event.type == TCGEvent.noAction {
            let signature = Array("StartupLocality\0".utf8)
            if event.data.count == 17, event.data.starts(with: signature), let value = event.data.last { locality = value }
        }
        for (algorithm, size) in log.digestSizes where size > 0 && Self.hash(algorithm, []) != nil {
            var registers: [UInt32: [UInt8]] = [:]
            for event in log.events where event.type != TCGEvent.noAction {
                guard let digest = event.digests.first(where: { $0.algorithm == algorithm }) else { continue }
                var current = registers[event.index] ?? [UInt8](repeating: 0, count: size)
                if registers[event.index] == nil, event.index == 0, locality != 0 { current[size - 1] = locality }
                registers[event.index] = Self.hash(algorithm, current + digest.bytes) ?? current
            }
            banks[algorithm] = registers
        }
        self.banks = banks
    }

    /// `H(data)` for the algorithms this code computes, or nil.
    public static func hash(_ algorithm: UInt16, _ data: [UInt8]) -> [UInt8]? {
        switch algorithm {
        case TCGEventLog.sha1: return Array(Insecure.SHA1.hash(data: data))
        case TCGEventLog.sha256: return Array(SHA256.hash(data: data))
        case TCGEventLog.sha384: return Array(SHA384.hash(data: data))
        case TCGEventLog.sha512: return Array(SHA512.hash(data: data))
        default: return nil
        }
    }

    /// One PCR whose replayed value differs from the value given.
    public struct Mismatch: Sendable, Hashable {
        /// The bank.
        public let algorithm: UInt16
        /// The PCR.
        public let index: UInt32
        /// The value given (from a quote or a PCR read).
        public let expected: [UInt8]
        /// The value the log replays to.
        public let replayed: [UInt8]
    }

    /// Compares with given PCR values: every given PCR the log extends must equal its replay. PCRs the log never
    /// extends (IMA's PCR 10, the 0xFF-reset PCRs 17–22) and banks the log has no digests for are not compared.
    ///
    /// - Returns: the PCRs that differ, ordered by bank and index; the first is the first PCR that differs.
    public func mismatches(_ given: [UInt16: [UInt32: [UInt8]]]) -> [Mismatch] {
        var result: [Mismatch] = []
        for algorithm in given.keys.sorted() {
            guard let replayed = banks[algorithm] else { continue }
            for (index, value) in given[algorithm, default: [:]].sorted(by: { $0.key < $1.key }) {
                guard let mine = replayed[index] else { continue }
                if mine != value { result.append(Mismatch(algorithm: algorithm, index: index, expected: value, replayed: mine)) }
            }
        }
        return result
    }
}

extension EventLogReplay {
    /// How many of the given PCR values the log extends, so that ``mismatches(_:)`` compares them.
    public func comparedCount(_ given: [UInt16: [UInt32: [UInt8]]]) -> Int {
        given.reduce(0) { total, bank in total + bank.value.keys.filter { banks[bank.key]?[$0] != nil }.count }
    }
}
