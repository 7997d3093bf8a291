enum RegexBuiltins {
    static let all: [Builtin] = []
}
