enum StringBuiltins {
    static let all: [Builtin] = []
}
