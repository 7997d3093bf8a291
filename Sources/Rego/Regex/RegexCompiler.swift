/// Compiles a ``RegexNode`` tree into a ``RegexProgram``: counted repetitions are expanded (`x{2,4}` is
/// `xx(x(x)?)?`), alternatives and optional parts become prioritised splits.
struct RegexCompiler {
    /// The most instructions a program may have; Go's limit is of the same order.
    static let maxInstructions = 500_000
    /// The most capture slots over the instructions threads rest at (those × slots per thread): the VM keeps that
    /// many integers per thread list, so this bounds a search's memory (16 MB) whatever the pattern.
    static let maxSlotStorage = 1_000_000

    private var instructions: [RegexInstruction] = []
    private var sets: [RegexScalarSet] = []
    private let pattern: String

    private init(pattern: String) { self.pattern = pattern }

    /// The program of `parsed`, matching unanchored (the caller starts a thread at every position).
    /// - Throws: `RegexSyntaxError` (`expression too large`) when the expanded program exceeds the limit.
    static func compile(_ parsed: ParsedRegex, pattern: String) throws(RegexSyntaxError) -> RegexProgram {
        var compiler = RegexCompiler(pattern: pattern)
        try compiler.emit(.save(0))
        try compiler.compile(parsed.node)
        try compiler.emit(.save(1))
        try compiler.emit(.match)
        let slotCount = 2 * (parsed.captureCount + 1)
        var restingIndex = Array(repeating: -1, count: compiler.instructions.count)
        var restingCount = 0
        for (pc, instruction) in compiler.instructions.enumerated() {
            switch instruction {
            case .scalar, .set, .anyScalar, .anyExceptNewline, .match:
                restingIndex[pc] = restingCount
                restingCount += 1
            case .split, .jump, .save, .assert:
                break
            }
        }
        guard restingCount * slotCount <= maxSlotStorage else {
            throw RegexSyntaxError(code: RegexSyntaxError.tooLarge, fragment: pattern)
        }
        var sets = compiler.sets
        var firstScalars: Int?
        if let first = compiler.firstScalars() {
            sets.append(first)
            firstScalars = sets.count - 1
        }
        return RegexProgram(instructions: compiler.instructions, sets: sets, asciiMaps: sets.map(RegexProgram.asciiMap),
                            slotCount: slotCount, anchoredAtStart: startsAnchored(parsed.node),
                            firstScalars: firstScalars, restingIndex: restingIndex, restingCount: restingCount)
    }

    /// The union of the consuming instructions reachable from the start without consuming, or `nil` when an
    /// assertion, a match or `.` is reachable there (no useful filter).
    private func firstScalars() -> RegexScalarSet? {
        var set = RegexScalarSet()
        var seen = Set<Int>()
        var pending = [0]
        while let pc = pending.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch instructions[pc] {
            case .scalar(let value): set.add(value)
            case .set(let index): set.add(sets[index])
            case .save: pending.append(pc + 1)
            case .jump(let target): pending.append(target)
            case .split(let first, let second): pending += [first, second]
            case .anyScalar, .anyExceptNewline, .assert, .match: return nil
            }
        }
        return set
    }

    private static func startsAnchored(_ node: RegexNode) -> Bool {
        switch node {
        case .assertion(.beginText): return true
        case .concatenation(let items): return items.first.map(startsAnchored) ?? false
        case .capture(_, let inner): return startsAnchored(inner)
        default: return false
        }
    }

    @discardableResult
    private mutating func emit(_ instruction: RegexInstruction) throws(RegexSyntaxError) -> Int {
        guard instructions.count < RegexCompiler.maxInstructions else {
            throw RegexSyntaxError(code: RegexSyntaxError.tooLarge, fragment: pattern)
        }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private mutating func compile(_ node: RegexNode) throws(RegexSyntaxError) {
        switch node {
        case .empty:
            break
        case .scalar(let value):
            try emit(.scalar(value))
        case .set(let set):
            sets.append(set)
            try emit(.set(sets.count - 1))
        case .anyScalar:
            try emit(.anyScalar)
        case .anyExceptNewline:
            try emit(.anyExceptNewline)
        case .assertion(let assertion):
            try emit(.assert(assertion))
        case .capture(let index, let inner):
            try emit(.save(2 * index))
            try compile(inner)
            try emit(.save(2 * index + 1))
        case .concatenation(let items):
            for item in items { try compile(item) }
        case .alternation(let branches):
            try compileAlternation(branches[...])
        case .repetition(let inner, let minimum, let maximum, let greedy):
            try compileRepetition(inner, min: minimum, max: maximum, greedy: greedy)
        }
    }

    private mutating func compileAlternation(_ branches: ArraySlice<RegexNode>) throws(RegexSyntaxError) {
        guard let first = branches.first else { return }
        if branches.count == 1 {
            try compile(first)
            return
        }
        let split = try emit(.split(0, 0))
        try compile(first)
        let jump = try emit(.jump(0))
        let second = instructions.count
        try compileAlternation(branches.dropFirst())
        instructions[split] = .split(split + 1, second)
        instructions[jump] = .jump(instructions.count)
    }

    private mutating func compileRepetition(
        _ inner: RegexNode, min minimum: Int, max maximum: Int?, greedy: Bool
    ) throws(RegexSyntaxError) {
        guard let maximum else {
            if minimum == 0 {
                try star(inner, greedy: greedy)
            } else {
                // x{n,} is n-1 copies then x+.
                for _ in 1..<minimum { try compile(inner) }
                try plus(inner, greedy: greedy)
            }
            return
        }
        for _ in 0..<minimum { try compile(inner) }
        // Optional copies nested: (x(x(x)?)?)?, each split jumping past all the rest.
        var pendingSplits: [Int] = []
        for _ in minimum..<Swift.max(minimum, maximum) {
            pendingSplits.append(try emit(.split(0, 0)))
            try compile(inner)
        }
        let end = instructions.count
        for split in pendingSplits {
            instructions[split] = greedy ? .split(split + 1, end) : .split(end, split + 1)
        }
    }

    /// `x*`; as `(x+)?` when `x` can match empty, as Go and RE2 compile it, so that the empty iteration a
    /// preferred path takes is not cut off by the loop's own split (`($|a)*` at the end records the group).
    private mutating func star(_ inner: RegexNode, greedy: Bool) throws(RegexSyntaxError) {
        if RegexCompiler.matchesEmpty(inner) {
            let split = try emit(.split(0, 0))
            try plus(inner, greedy: greedy)
            let end = instructions.count
            instructions[split] = greedy ? .split(split + 1, end) : .split(end, split + 1)
            return
        }
        let split = try emit(.split(0, 0))
        try compile(inner)
        try emit(.jump(split))
        let end = instructions.count
        instructions[split] = greedy ? .split(split + 1, end) : .split(end, split + 1)
    }

    private mutating func plus(_ inner: RegexNode, greedy: Bool) throws(RegexSyntaxError) {
        let start = instructions.count
        try compile(inner)
        let split = try emit(.split(0, 0))
        instructions[split] = greedy ? .split(start, split + 1) : .split(split + 1, start)
    }

    /// Whether `node` can match the empty string.
    private static func matchesEmpty(_ node: RegexNode) -> Bool {
        switch node {
        case .empty, .assertion: return true
        case .scalar, .set, .anyScalar, .anyExceptNewline: return false
        case .capture(_, let inner): return matchesEmpty(inner)
        case .repetition(let inner, let minimum, _, _): return minimum == 0 || matchesEmpty(inner)
        case .concatenation(let items): return items.allSatisfy(matchesEmpty)
        case .alternation(let branches): return branches.contains(where: matchesEmpty)
        }
    }
}
