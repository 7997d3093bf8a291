extension InitData {
    /// Writes an init-data document carrying `data` (file name → contents) in the form Kata and Confidential
    /// Containers tools write: `version = "0.1.0"`, `algorithm`, then `[data]` with each file as a multi-line
    /// literal string, in name order, so the same inputs always give the same bytes and digest.
    ///
    /// - Throws: ``InitDataError/Code/wrongType`` when a name or content cannot be a TOML literal (a name holding
    ///   `"`, `\` or a line break; contents holding `'''`).
    public init(writing data: [String: String], algorithm: InitDataAlgorithm = .sha256) throws(InitDataError) {
        var text = "version = \"0.1.0\"\nalgorithm = \"\(algorithm.rawValue)\"\n\n[data]\n"
        for (name, contents) in data.sorted(by: { $0.key < $1.key }) {
            guard !name.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }) else {
                throw InitDataError(.wrongType, "init-data file name \(name.debugDescription) cannot be a TOML key")
            }
            guard !contents.contains("'''") else {
                throw InitDataError(.wrongType, "init-data file \(name) contains ''' and cannot be a TOML literal string")
            }
            text += "\"\(name)\" = '''\n\(contents)'''\n"
        }
        try self.init(toml: text)
    }

    /// The document's text (its bytes as UTF-8, which reading checked).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
