/// `glob.match` and `glob.quote_meta`, with the glob syntax of the Go `gobwas/glob` package OPA uses.
extension RegexBuiltins {
    static let globBuiltins: [Builtin] = [
        Builtin("glob.match", arity: 3) { args, _ in
            let pattern = try args.string(0)
            let delimiters: Set<Unicode.Scalar>
            switch args[1] {
            case .null:
                delimiters = []
            case .array:
                let firstScalars = try StringBuiltins.stringMembers(of: args, 1, allowing: "one of {array, null}")
                    .compactMap(\.unicodeScalars.first)
                delimiters = firstScalars.isEmpty ? ["."] : Set(firstScalars)
            default:
                throw BuiltinError.operand(2, mustBe: "one of {array, null}", got: args[1])
            }
            let text = try args.string(2)
            return .bool(try Glob(pattern, delimiters: delimiters).matches(text))
        },
        Builtin("glob.quote_meta", arity: 1) { args, _ in
            var out = ""
            for scalar in try args.string(0).unicodeScalars {
                if "*?\\[]{}".unicodeScalars.contains(scalar) { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            return .string(out)
        },
    ]
}

/// A compiled glob: `*` (any run without delimiters), `**` (any run), `?` (one non-delimiter), `[abc]`, `[a-z]`,
/// `[!…]`, `{alt1,alt2}` and `\` escapes. Matching simulates the equivalent automaton, so it takes time linear in
/// the text for a given pattern.
struct Glob {
    /// One step of the automaton.
    enum Instruction {
        case scalar(Unicode.Scalar)
        case anyExceptDelimiter
        case any
        case set(ranges: [ClosedRange<UInt32>], negated: Bool)
        case split(Int, Int)
        case jump(Int)
        case accept
    }

    private(set) var program: [Instruction] = []
    private let delimiters: Set<Unicode.Scalar>

    /// Compiles `pattern` for the given delimiters.
    /// - Throws: `BuiltinError.failure` for an unterminated `[` or `{`, an empty class or a trailing `\`.
    init(_ pattern: String, delimiters: Set<Unicode.Scalar>) throws {
        self.delimiters = delimiters
        var parser = GlobParser(Array(pattern.unicodeScalars))
        let nodes = try parser.parseSequence(insideAlternatives: false)
        compile(nodes)
        program.append(.accept)
    }

    private mutating func compile(_ nodes: [GlobParser.Node]) {
        for node in nodes {
            switch node {
            case .scalar(let scalar): program.append(.scalar(scalar))
            case .single: program.append(.anyExceptDelimiter)
            case .star(let crossesDelimiters):
                let loop = program.count
                program.append(.split(loop + 1, loop + 3))
                program.append(crossesDelimiters ? .any : .anyExceptDelimiter)
                program.append(.jump(loop))
            case .set(let ranges, let negated): program.append(.set(ranges: ranges, negated: negated))
            case .alternatives(let choices):
                var exitJumps: [Int] = []
                for (offset, choice) in choices.enumerated() {
                    let isLast = offset == choices.count - 1
                    let splitAt = program.count
                    if !isLast { program.append(.split(splitAt + 1, -1)) }
                    compile(choice)
                    if !isLast {
                        exitJumps.append(program.count)
                        program.append(.jump(-1))
                        program[splitAt] = .split(splitAt + 1, program.count)
                    }
                }
                for jump in exitJumps { program[jump] = .jump(program.count) }
            }
        }
    }

    /// Whether the whole of `text` matches.
    func matches(_ text: String) -> Bool {
        var current = closure(of: [0])
        for scalar in text.unicodeScalars {
            var next: [Int] = []
            for pc in current where step(program[pc], scalar) { next.append(pc + 1) }
            current = closure(of: next)
            if current.isEmpty { return false }
        }
        return current.contains { if case .accept = program[$0] { return true } else { return false } }
    }

    private func step(_ instruction: Instruction, _ scalar: Unicode.Scalar) -> Bool {
        switch instruction {
        case .scalar(let expected): return scalar == expected
        case .anyExceptDelimiter: return !delimiters.contains(scalar)
        case .any: return true
        case .set(let ranges, let negated): return ranges.contains { $0.contains(scalar.value) } != negated
        case .split, .jump, .accept: return false
        }
    }

    /// The consuming and accepting instructions reachable from `starts` through splits and jumps.
    private func closure(of starts: [Int]) -> [Int] {
        var seen = [Bool](repeating: false, count: program.count)
        var stack = starts
        var result: [Int] = []
        while let pc = stack.popLast() {
            guard pc >= 0, pc < program.count, !seen[pc] else { continue }
            seen[pc] = true
            switch program[pc] {
            case .split(let a, let b): stack.append(contentsOf: [b, a])
            case .jump(let target): stack.append(target)
            default: result.append(pc)
            }
        }
        return result
    }
}

/// Reads glob syntax into nodes.
struct GlobParser {
    indirect enum Node {
        case scalar(Unicode.Scalar)
        case single
        case star(crossesDelimiters: Bool)
        case set([ClosedRange<UInt32>], negated: Bool)
        case alternatives([[Node]])
    }

    private let source: [Unicode.Scalar]
    private var index = 0
    private var depth = 0

    /// The deepest `{…}` nesting accepted, which bounds the recursion of parsing and compiling.
    static let maximumDepth = 64

    init(_ source: [Unicode.Scalar]) { self.source = source }

    /// Nodes up to the end, or up to a `,` or `}` when inside `{…}` (which the caller consumes).
    mutating func parseSequence(insideAlternatives: Bool) throws -> [Node] {
        var nodes: [Node] = []
        while index < source.count {
            let scalar = source[index]
            if insideAlternatives && (scalar == "," || scalar == "}") { return nodes }
            index += 1
            switch scalar {
            case "\\":
                guard index < source.count else { throw BuiltinError.failure("unexpected end of pattern after \\") }
                nodes.append(.scalar(source[index]))
                index += 1
            case "*":
                if index < source.count, source[index] == "*" {
                    index += 1
                    nodes.append(.star(crossesDelimiters: true))
                } else {
                    nodes.append(.star(crossesDelimiters: false))
                }
            case "?": nodes.append(.single)
            case "[": nodes.append(try parseSet())
            case "{": nodes.append(try parseAlternatives())
            default: nodes.append(.scalar(scalar))
            }
        }
        if insideAlternatives { throw BuiltinError.failure("unexpected end of pattern: unclosed {") }
        return nodes
    }

    private mutating func parseSet() throws -> Node {
        var negated = false
        if index < source.count, source[index] == "!" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        while index < source.count, source[index] != "]" {
            var low = source[index]
            if low == "\\", index + 1 < source.count {
                index += 1
                low = source[index]
            }
            index += 1
            if index + 1 < source.count, source[index] == "-", source[index + 1] != "]" {
                let high = source[index + 1]
                index += 2
                guard low.value <= high.value else { throw BuiltinError.failure("invalid range \(low)-\(high)") }
                ranges.append(low.value...high.value)
            } else {
                ranges.append(low.value...low.value)
            }
        }
        guard index < source.count else { throw BuiltinError.failure("unexpected end of pattern: unclosed [") }
        index += 1
        guard !ranges.isEmpty else { throw BuiltinError.failure("empty character class") }
        return .set(ranges, negated: negated)
    }

    private mutating func parseAlternatives() throws -> Node {
        depth += 1
        defer { depth -= 1 }
        guard depth <= GlobParser.maximumDepth else { throw BuiltinError.failure("pattern nests { too deeply") }
        var choices: [[Node]] = []
        while true {
            choices.append(try parseSequence(insideAlternatives: true))
            let terminator = source[index]
            index += 1
            if terminator == "}" { return .alternatives(choices) }
        }
    }
}
