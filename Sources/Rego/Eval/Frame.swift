/// The variable slots of one rule or query evaluation.
///
/// Every binding is undone when its continuation returns (or throws), so a frame comes back from an evaluation with
/// all slots empty and can serve the next rule: the evaluator keeps a pool of them.
final class Frame {
    var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Makes room for `count` slots.
    func reserve(_ count: Int) {
        if slots.count < count { slots.append(contentsOf: repeatElement(nil, count: count - slots.count)) }
    }
}

extension Evaluator {
    /// Runs `body` with an empty frame of at least `count` slots, taken from the pool and returned to it.
    func withFrame<Result>(_ count: Int, _ body: (Frame) throws -> Result) rethrows -> Result {
        let frame = framePool.popLast() ?? Frame(count: count)
        frame.reserve(count)
        defer { framePool.append(frame) }
        return try body(frame)
    }
}

/// Thrown to stop enumerating solutions once one is enough (`not`, `every`, the first result of a `with` value).
struct StopEnumeration: Error {}
