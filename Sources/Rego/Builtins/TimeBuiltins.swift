enum TimeBuiltins {
    static let all: [Builtin] = []
}
