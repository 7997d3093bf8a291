/// JSON text of values, written as OPA writes its JSON form of them (see `GoJSONWriter`): sets as arrays, object keys
/// that are not strings as their JSON text.
extension Value {
    /// Compact JSON with object keys in byte order.
    public var jsonText: String { GoJSONWriter.text(of: self) }

    /// JSON text; `pretty` puts each member on its own line, indented by two spaces per level.
    public func jsonText(pretty: Bool) -> String {
        GoJSONWriter.text(of: self, indentation: pretty ? GoJSONWriter.Indentation(prefix: "", indent: "  ") : nil)
    }
}
