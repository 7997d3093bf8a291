#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// C's `printf` conversions of a double (`%.6e`, `%.2f`, `%.3g`), through `vsnprintf` of the C library; the C
/// locale's decimal point, as Go prints.
enum CFormat {
    /// `value` printed as `%.<precision><style>`; `style` is one of `e E f F g G`.
    static func double(_ value: Double, precision: Int, style: Character) -> String {
        let format = "%.\(precision)\(style)"
        let length = withVaList([value]) { vsnprintf(nil, 0, format, $0) }
        guard length > 0 else { return "" }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([value]) { vsnprintf(pointer.baseAddress, pointer.count, format, $0) }
        }
        guard written == length else { return "" }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
