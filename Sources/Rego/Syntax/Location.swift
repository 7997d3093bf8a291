/// A position in Rego source: the file name a module was loaded under, and 1-based line and column.
public struct Location: Sendable, Hashable, CustomStringConvertible {
    /// The module's name, e.g. `policy.rego`.
    public var file: String
    /// The line, from 1.
    public var line: Int
    /// The column, from 1, counted in bytes.
    public var column: Int

    /// A location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}
