/// The `.modinfo` section of a kernel module (an ELF64 relocatable object): NUL-separated `key=value` strings,
/// among them `name=` and `depends=` (comma-separated module names), which is what depmod reads into `modules.dep`.
public struct ModuleInfo: Sendable, Hashable {
    /// Every `key=value` pair, in order (keys repeat, e.g. `alias`).
    public let entries: [(key: String, value: String)]

    /// The modules this one needs loaded first.
    public var dependencies: [String] {
        entries.filter { $0.key == "depends" }.flatMap { $0.value.split(separator: ",").map(String.init) }
    }

    /// The module's own name, when it gives one.
    public var name: String? { entries.first { $0.key == "name" }?.value }

    /// Reads the `.modinfo` section of `object`.
    ///
    /// - Throws: ``SandboxError/Code/module`` when `object` is not an ELF64 little-endian file, a header lies outside
    ///   it, or it has no `.modinfo` section.
    public init(object: [UInt8], file: String) throws(SandboxError) {
        func fail(_ what: String) -> SandboxError { SandboxError(.module, "\(file): \(what)") }
        func read(_ offset: Int, _ width: Int) throws(SandboxError) -> Int {
            guard offset >= 0, width <= 8, offset <= object.count - width else { throw fail("a header field at \(offset) lies outside the file") }
            var value: UInt64 = 0
            for index in 0..<width { value |= UInt64(object[offset + index]) << (8 * UInt64(index)) }
            guard value <= UInt64(Int.max) else { throw fail("a header field at \(offset) is out of range") }
            return Int(value)
        }
        guard object.count >= 64, object[0] == 0x7F, object[1] == 0x45, object[2] == 0x4C, object[3] == 0x46 else {
            if object.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A]) || object.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) {
                throw fail("is compressed (xz or zstd); busybox insmod needs plain .ko files")
            }
            throw fail("is not an ELF file")
        }
        guard object[4] == 2, object[5] == 1 else { throw fail("is not a 64-bit little-endian ELF object") }
        let sectionOffset = try read(0x28, 8)
        let entrySize = try read(0x3A, 2)
        let count = try read(0x3C, 2)
        let namesIndex = try read(0x3E, 2)
        guard entrySize >= 0x28, namesIndex < count else { throw fail("has a malformed section header table") }
        func section(_ index: Int) throws(SandboxError) -> (name: Int, range: Range<Int>) {
            let header = sectionOffset + index * entrySize
            let offset = try read(header + 0x18, 8)
            let size = try read(header + 0x20, 8)
            guard offset <= object.count, size <= object.count - offset else { throw fail("section \(index) lies outside the file") }
            return (try read(header, 4), offset..<(offset + size))
        }
        let names = try section(namesIndex).range
        var found: Range<Int>?
        for index in 0..<count {
            let candidate = try section(index)
            let start = names.lowerBound + candidate.name
            guard candidate.name < names.count else { continue }
            let end = object[start..<names.upperBound].firstIndex(of: 0) ?? names.upperBound
            if object[start..<end].elementsEqual(".modinfo".utf8) {
                found = candidate.range
                break
            }
        }
        guard let found else { throw fail("has no .modinfo section") }
        entries = object[found].split(separator: 0).compactMap { field in
            let text = String(decoding: field, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { return nil }
            return (String(text[..<equals]), String(text[text.index(after: equals)...]))
        }
    }

    /// Equal when the entries are, in order.
    public static func == (lhs: ModuleInfo, rhs: ModuleInfo) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.key == $1.key && $0.value == $1.value }
    }

    /// Hashes the entries in order.
    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}
