/// A Rego set: unique members of any type, kept sorted in OPA's order.
public struct SetValue: Sendable, Hashable {
    /// The members, sorted.
    public private(set) var elements: [Value]

    /// The empty set.
    public init() { elements = [] }

    /// A set of the given members, in any order and with any repeats.
    public init<S: Sequence>(_ members: S) where S.Element == Value {
        var sorted = Array(members)
        sorted.sort { Value.compare($0, $1) < 0 }
        var unique: [Value] = []
        unique.reserveCapacity(sorted.count)
        for member in sorted where unique.last.map({ Value.compare($0, member) != 0 }) ?? true {
            unique.append(member)
        }
        elements = unique
    }

    /// The number of members.
    public var count: Int { elements.count }

    /// Whether the set is empty.
    public var isEmpty: Bool { elements.isEmpty }

    func search(_ member: Value) -> (index: Int, found: Bool) {
        var low = 0
        var high = elements.count
        while low < high {
            let mid = (low + high) / 2
            let c = Value.compare(elements[mid], member)
            if c == 0 { return (mid, true) }
            if c < 0 { low = mid + 1 } else { high = mid }
        }
        return (low, false)
    }

    /// Whether `member` is in the set.
    public func contains(_ member: Value) -> Bool { search(member).found }

    /// Adds `member`; returns whether it was new.
    @discardableResult
    public mutating func insert(_ member: Value) -> Bool {
        let (index, found) = search(member)
        if !found { elements.insert(member, at: index) }
        return !found
    }

    /// Removes `member` if present.
    public mutating func remove(_ member: Value) {
        let (index, found) = search(member)
        if found { elements.remove(at: index) }
    }

    /// The members of both sets.
    public func union(_ other: SetValue) -> SetValue { SetValue(elements + other.elements) }

    /// The members of this set that are also in `other`.
    public func intersection(_ other: SetValue) -> SetValue {
        SetValue(sortedUnique: elements.filter { other.contains($0) })
    }

    /// The members of this set that are not in `other`.
    public func subtracting(_ other: SetValue) -> SetValue {
        SetValue(sortedUnique: elements.filter { !other.contains($0) })
    }

    init(sortedUnique: [Value]) { elements = sortedUnique }
}
