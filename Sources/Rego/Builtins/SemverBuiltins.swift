enum SemverBuiltins {
    static let all: [Builtin] = []
}
