/// The threads of the VM at one text position: a sparse set of program counters in priority order, with the
/// capture slots of each thread stored by program counter (a program counter holds at most one thread).
struct RegexThreadList {
    private var sparse: [Int]
    /// Program counters in the order added, which is priority order; includes the non-consuming instructions
    /// visited, so that each is followed once per position.
    private(set) var dense: [Int]
    private(set) var count = 0
    /// `slotCount` slots per program counter.
    private var slots: [Int]
    let slotCount: Int

    init(instructionCount: Int, slotCount: Int) {
        sparse = Array(repeating: 0, count: instructionCount)
        dense = Array(repeating: 0, count: instructionCount)
        slots = Array(repeating: -1, count: instructionCount * slotCount)
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

    /// Stores the thread's capture slots.
    mutating func setSlots(_ pc: Int, from values: [Int]) {
        let base = pc * slotCount
        for slot in 0..<slotCount { slots[base + slot] = values[slot] }
    }

    /// Copies the thread's capture slots into `values`.
    func copySlots(_ pc: Int, into values: inout [Int]) {
        let base = pc * slotCount
        for slot in 0..<slotCount { values[slot] = slots[base + slot] }
    }
}
