/// A Pike VM: simulates the program's NFA over the text one scalar at a time, carrying every live thread with its
/// capture slots, so a search takes time proportional to the text length times the program size, whatever the
/// expression (no backtracking, hence no exponential blow-up). Threads are kept in priority order and a match cuts
/// off every lower-priority thread, which gives RE2's and Go's leftmost-first results.
struct RegexVM {
    private let program: RegexProgram
    private let text: [Unicode.Scalar]
    private let slotCount: Int
    private var current: RegexThreadList
    private var next: RegexThreadList
    /// Work stack of the closure walk: an instruction to follow, or (when `slot >= 0`) a slot value to restore.
    private var stack: [(pc: Int, slot: Int, value: Int)] = []
    private var scratch: [Int]

    /// A VM for `program` over `text` tracking the first `slotCount` capture slots (at least 2).
    init(program: RegexProgram, text: [Unicode.Scalar], slotCount: Int) {
        self.program = program
        self.text = text
        self.slotCount = max(2, min(slotCount, program.slotCount))
        current = RegexThreadList(program: program, slotCount: self.slotCount)
        next = RegexThreadList(program: program, slotCount: self.slotCount)
        scratch = Array(repeating: -1, count: self.slotCount)
    }

    /// The leftmost-first match starting at or after scalar offset `start`, as capture slots (scalar offsets, -1
    /// for a group that did not participate); with `earliest`, any match (for a yes/no answer), found as soon as
    /// possible.
    mutating func search(from start: Int, earliest: Bool = false) -> [Int]? {
        var matched: [Int]?
        current.removeAll()
        var position = start
        while true {
            if matched == nil, current.count == 0, let first = program.firstScalars {
                // No thread alive: move on to the next scalar a match can begin with.
                while position < text.count, !program.set(first, contains: text[position].value) { position += 1 }
                if position >= text.count { break }
            }
            if matched == nil && (!program.anchoredAtStart || position == 0) {
                for slot in 0..<slotCount { scratch[slot] = -1 }
                RegexVM.addThread(to: &current, pc: 0, at: position, program: program, text: text, scratch: &scratch, stack: &stack)
            }
            if current.count == 0 { break }
            let scalar: UInt32? = position < text.count ? text[position].value : nil
            next.removeAll()
            threads: for index in 0..<current.count {
                let pc = current.dense[index]
                let advances: Bool
                switch program.instructions[pc] {
                case .match:
                    var slots = Array(repeating: -1, count: slotCount)
                    current.copySlots(pc, into: &slots)
                    matched = slots
                    if earliest { return matched }
                    break threads
                case .scalar(let value):
                    advances = scalar == value
                case .set(let set):
                    advances = scalar.map { program.set(set, contains: $0) } ?? false
                case .anyScalar:
                    advances = scalar != nil
                case .anyExceptNewline:
                    advances = scalar.map { $0 != 0x0A } ?? false
                case .split, .jump, .save, .assert:
                    continue
                }
                if advances {
                    current.copySlots(pc, into: &scratch)
                    RegexVM.addThread(to: &next, pc: pc + 1, at: position + 1, program: program, text: text, scratch: &scratch,
                                      stack: &stack)
                }
            }
            if position >= text.count { break }
            swap(&current, &next)
            position += 1
        }
        return matched
    }

    /// Adds the thread at `pc` with the slots in `scratch` to `list`, following jumps, splits (first target first),
    /// slot saves and assertions that hold at `position`, down to the consuming instructions and matches.
    private static func addThread(
        to list: inout RegexThreadList, pc start: Int, at position: Int, program: RegexProgram,
        text: [Unicode.Scalar], scratch: inout [Int], stack: inout [(pc: Int, slot: Int, value: Int)]
    ) {
        if list.contains(start) { return }
        switch program.instructions[start] {
        case .match, .scalar, .set, .anyScalar, .anyExceptNewline:
            // The common case after a consuming step: no closure to follow.
            list.insert(start)
            list.setSlots(start, from: scratch)
            return
        default:
            break
        }
        stack.append((start, -1, 0))
        while let entry = stack.popLast() {
            if entry.slot >= 0 {
                scratch[entry.slot] = entry.value
                continue
            }
            var pc = entry.pc
            follow: while !list.contains(pc) {
                list.insert(pc)
                switch program.instructions[pc] {
                case .jump(let target):
                    pc = target
                case .split(let preferred, let other):
                    stack.append((other, -1, 0))
                    pc = preferred
                case .save(let slot):
                    if slot < scratch.count {
                        stack.append((0, slot, scratch[slot]))
                        scratch[slot] = position
                    }
                    pc += 1
                case .assert(let assertion):
                    guard holds(assertion, at: position, in: text) else { break follow }
                    pc += 1
                case .match, .scalar, .set, .anyScalar, .anyExceptNewline:
                    list.setSlots(pc, from: scratch)
                    break follow
                }
            }
        }
    }

    private static func holds(_ assertion: RegexAssertion, at position: Int, in text: [Unicode.Scalar]) -> Bool {
        let before: UInt32? = position > 0 ? text[position - 1].value : nil
        let after: UInt32? = position < text.count ? text[position].value : nil
        switch assertion {
        case .beginText: return position == 0
        case .endText: return position == text.count
        case .beginLine: return before == nil || before == 0x0A
        case .endLine: return after == nil || after == 0x0A
        case .wordBoundary: return RegexVM.isWord(before) != RegexVM.isWord(after)
        case .notWordBoundary: return RegexVM.isWord(before) == RegexVM.isWord(after)
        }
    }

    private static func isWord(_ value: UInt32?) -> Bool {
        guard let value else { return false }
        return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
            || value == 0x5F
    }
}
