/// The threads of the VM at one text position: a sparse set of program counters in priority order, with the
/// capture slots of each thread stored by the index of its resting instruction (a program counter holds at most
/// one thread).
struct RegexThreadList {
    private var sparse: [Int]
    /// Program counters in the order added, which is priority order; includes the non-consuming instructions
    /// visited, so that each is followed once per position.
    private(set) var dense: [Int]
    private(set) var count = 0
    /// `slotCount` slots per resting instruction.
    private var slots: [Int]
    let slotCount: Int
    /// Program counter → index among the resting instructions (``RegexProgram/restingIndex``).
    private let restingIndex: [Int]

    init(program: RegexProgram, slotCount: Int) {
        sparse = Array(repeating: 0, count: program.instructions.count)
        dense = Array(repeating: 0, count: program.instructions.count)
        slots = Array(repeating: -1, count: program.restingCount * slotCount)
        restingIndex = program.restingIndex
        self.slotCount = slotCount
    }

    func contains(_ pc: Int) -> Bool {
        let position = sparse[pc]
        return position < count && dense[position] == pc
    }

    mutating func insert(_ pc: Int) {
        sparse[pc] = count
        dense[count] = pc
        count += 1
    }

    mutating func removeAll() { count = 0 }

    /// Stores the capture slots of the thread resting at `pc`.
    mutating func setSlots(_ pc: Int, from values: [Int]) {
        let base = restingIndex[pc] * slotCount
        for slot in 0..<slotCount { slots[base + slot] = values[slot] }
    }

    /// Copies the capture slots of the thread resting at `pc` into `values`.
    func copySlots(_ pc: Int, into values: inout [Int]) {
        let base = restingIndex[pc] * slotCount
        for slot in 0..<slotCount { values[slot] = slots[base + slot] }
    }
}
