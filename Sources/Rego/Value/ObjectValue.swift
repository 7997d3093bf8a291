/// A Rego object: unique keys of any type, kept sorted in OPA's order so that iteration, comparison and
/// serialisation are deterministic.
public struct ObjectValue: Sendable, Hashable {
    /// The entries, sorted by key.
    public private(set) var entries: [(key: Value, value: Value)]

    /// The empty object.
    public init() { entries = [] }

    /// An object from entries in any order; a later entry replaces an earlier one with the same key.
    public init<S: Sequence>(_ pairs: S) where S.Element == (Value, Value) {
        entries = []
        for (key, value) in pairs { self[key] = value }
    }

    /// An object from entries already sorted by key, without duplicates.
    init(sortedEntries: [(key: Value, value: Value)]) { entries = sortedEntries }

    /// An object from string keys.
    public init(_ dictionary: [String: Value]) {
        var sorted = dictionary.map { (key: Value.string($0.key), value: $0.value) }
        sorted.sort { Value.compare($0.key, $1.key) < 0 }
        entries = sorted
    }

    /// The number of entries.
    public var count: Int { entries.count }

    /// Whether the object has no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The keys, in order.
    public var keys: [Value] { entries.map(\.key) }

    /// The values, in key order.
    public var values: [Value] { entries.map(\.value) }

    /// The index of `key`, or where it would be inserted.
    func search(_ key: Value) -> (index: Int, found: Bool) {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            let c = Value.compare(entries[mid].key, key)
            if c == 0 { return (mid, true) }
            if c < 0 { low = mid + 1 } else { high = mid }
        }
        return (low, false)
    }

    /// The value under `key`; setting `nil` removes the entry.
    public subscript(key: Value) -> Value? {
        get {
            let (index, found) = search(key)
            return found ? entries[index].value : nil
        }
        set {
            let (index, found) = search(key)
            switch (found, newValue) {
            case (true, let value?): entries[index].value = value
            case (true, nil): entries.remove(at: index)
            case (false, let value?): entries.insert((key, value), at: index)
            case (false, nil): break
            }
        }
    }

    /// The value under a string key.
    public subscript(key: String) -> Value? {
        self[.string(key)]
    }

    public static func == (lhs: ObjectValue, rhs: ObjectValue) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (a, b) in zip(lhs.entries, rhs.entries) where a.key != b.key || a.value != b.value {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }

    /// OPA's object order: sorted entries compared key then value, then by size.
    static func compare(_ a: ObjectValue, _ b: ObjectValue) -> Int {
        for (x, y) in zip(a.entries, b.entries) {
            let k = Value.compare(x.key, y.key)
            if k != 0 { return k }
            let v = Value.compare(x.value, y.value)
            if v != 0 { return v }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
