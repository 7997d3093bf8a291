/// `value`'s bytes, least significant first: how TCG event logs lay out their integers.
func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian, Array.init)
}
