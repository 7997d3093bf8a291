/// The variable slots of one rule or query evaluation.
final class Frame {
    var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }
}

/// Thrown to stop enumerating solutions once one is enough (`not`, `every`, the first result of a `with` value).
struct StopEnumeration: Error {}
