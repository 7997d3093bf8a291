enum TypeBuiltins {
    static let all: [Builtin] = []
}
