/// A set of Unicode scalars a character class matches: sorted, disjoint ranges of scalar values, plus Unicode general
/// categories (`\pL`, `\p{Lu}`, …) tested on the scalar's properties, the whole optionally complemented.
struct RegexScalarSet: Sendable {
    /// Sorted, disjoint, non-adjacent ranges of scalar values.
    private(set) var ranges: [ClosedRange<UInt32>] = []
    /// Category tests; a scalar is in the set if it is in a range or passes any of these.
    private(set) var categories: [RegexCategoryTest] = []
    /// Whether the set is the complement of the ranges and categories.
    private(set) var negated = false

    static let maxScalar: UInt32 = 0x10FFFF

    init() {}

    init(ranges: [ClosedRange<UInt32>]) {
        for range in ranges { add(range) }
    }

    /// Whether `scalar` is in the set.
    func contains(_ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        var found = false
        while low < high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if value < range.lowerBound {
                high = middle
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                found = true
                break
            }
        }
        if !found, !categories.isEmpty, let scalar = Unicode.Scalar(value) {
            found = categories.contains { $0.matches(scalar) }
        }
        return found != negated
    }

    /// Adds the scalars `range` to the set (before any complement).
    mutating func add(_ range: ClosedRange<UInt32>) {
        var lower = range.lowerBound
        var upper = range.upperBound
        var merged: [ClosedRange<UInt32>] = []
        merged.reserveCapacity(ranges.count + 1)
        var inserted = false
        for existing in ranges {
            if existing.upperBound &+ 1 < lower {
                merged.append(existing)
            } else if upper &+ 1 < existing.lowerBound {
                if !inserted {
                    merged.append(lower...upper)
                    inserted = true
                }
                merged.append(existing)
            } else {
                lower = min(lower, existing.lowerBound)
                upper = max(upper, existing.upperBound)
            }
        }
        if !inserted { merged.append(lower...upper) }
        ranges = merged
    }

    /// Adds every member of `other` to the set (before any complement).
    mutating func add(_ other: RegexScalarSet) {
        if other.negated && !other.categories.isEmpty {
            var positive = other
            positive.negated = false
            categories.append(.notIn(positive))
            return
        }
        let otherRanges = other.negated ? RegexScalarSet.complement(other.ranges) : other.ranges
        for range in otherRanges { add(range) }
        categories += other.categories
    }

    /// Adds the scalars of the Unicode general categories `members`.
    mutating func add(categories members: Set<Unicode.GeneralCategory>) {
        categories.append(.category(members, folded: false))
    }

    /// Adds the scalar `value`.
    mutating func add(_ value: UInt32) { add(value...value) }

    /// The set's complement.
    func inverted() -> RegexScalarSet {
        var copy = self
        copy.negated.toggle()
        return copy
    }

    /// The set extended by the simple case variants of its members (`(?i)`). Call before complementing, as RE2
    /// folds a negated class's contents and then negates.
    func caseFolded() -> RegexScalarSet {
        var folded = self
        for range in ranges {
            for value in RegexCaseFolding.casedScalars(in: range) {
                for variant in RegexCaseFolding.orbit(of: value) where !range.contains(variant) { folded.add(variant) }
            }
        }
        folded.categories = categories.map { $0.caseFolded() }
        return folded
    }

    /// The complement of sorted, disjoint `ranges` within the scalar values.
    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { out.append(next...(range.lowerBound - 1)) }
            if range.upperBound >= maxScalar { return out }
            next = range.upperBound + 1
        }
        out.append(next...maxScalar)
        return out
    }
}
