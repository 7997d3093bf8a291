enum CryptoBuiltins {
    static let all: [Builtin] = []
}
