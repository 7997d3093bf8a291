enum EncodingBuiltins {
    static let all: [Builtin] = []
}
