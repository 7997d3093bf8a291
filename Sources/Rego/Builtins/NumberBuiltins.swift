enum NumberBuiltins {
    static let all: [Builtin] = []
}
