/// Simple case folding of scalars for `(?i)`: the orbit of a scalar is every scalar reachable from it through
/// single-scalar lower-, upper- and title-case mappings in either direction (`k`, `K` and the Kelvin sign U+212A).
enum RegexCaseFolding {
    /// Scalars with a case variant, sorted, with their orbits (other members only). Built once, on first use.
    private static let table: (scalars: [UInt32], orbits: [UInt32: [UInt32]]) = build()

    /// The highest scalar with a simple case mapping lies below this bound.
    private static let casedLimit: UInt32 = 0x1FFFF

    /// The other members of `value`'s case orbit; empty for an uncased scalar.
    static func orbit(of value: UInt32) -> [UInt32] {
        if value < 0x80 {
            if (0x41...0x5A).contains(value) { return value == 0x4B ? [0x6B, 0x212A] : value == 0x53 ? [0x73, 0x17F] : [value + 0x20] }
            if (0x61...0x7A).contains(value) { return value == 0x6B ? [0x4B, 0x212A] : value == 0x73 ? [0x53, 0x17F] : [value - 0x20] }
            return []
        }
        return table.orbits[value] ?? []
    }

    /// The scalars in `range` that have a case variant.
    static func casedScalars(in range: ClosedRange<UInt32>) -> [UInt32] {
        if range.count <= 256 { return range.filter { !orbit(of: $0).isEmpty } }
        let scalars = table.scalars
        var low = 0
        var high = scalars.count
        while low < high {
            let middle = (low + high) / 2
            if scalars[middle] < range.lowerBound { low = middle + 1 } else { high = middle }
        }
        var out: [UInt32] = []
        while low < scalars.count, scalars[low] <= range.upperBound {
            out.append(scalars[low])
            low += 1
        }
        return out
    }

    private static func build() -> (scalars: [UInt32], orbits: [UInt32: [UInt32]]) {
        var edges: [UInt32: Set<UInt32>] = [:]
        func single(_ mapping: String) -> UInt32? {
            var iterator = mapping.unicodeScalars.makeIterator()
            guard let first = iterator.next(), iterator.next() == nil else { return nil }
            return first.value
        }
        for value in UInt32(0)...casedLimit {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let properties = scalar.properties
            guard properties.changesWhenCaseMapped else { continue }
            for mapping in [properties.lowercaseMapping, properties.uppercaseMapping, properties.titlecaseMapping] {
                guard let other = single(mapping), other != value else { continue }
                edges[value, default: []].insert(other)
                edges[other, default: []].insert(value)
            }
        }
        var orbits: [UInt32: [UInt32]] = [:]
        for start in edges.keys where orbits[start] == nil {
            var members: Set<UInt32> = [start]
            var pending = [start]
            while let next = pending.popLast() {
                for neighbour in edges[next] ?? [] where members.insert(neighbour).inserted { pending.append(neighbour) }
            }
            for member in members { orbits[member] = members.filter { $0 != member }.sorted() }
        }
        return (orbits.keys.sorted(), orbits)
    }
}
