enum CollectionBuiltins {
    static let all: [Builtin] = []
}
