import HermeticCore
import Rego

extension Rego.Value {
    /// The Rego value of a JSON value, built directly: the same value `JSONReader` reads from `json.serialized()`,
    /// without the text in between (integral doubles become exact integers, as their text does).
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .number(.int(i))
        case .double(let d):
            // Through the text the writer produces, so that `1e300` stays the decimal it reads as, not its binary value.
            self = .number(d.isFinite && d.rounded() == d && abs(d) < 1e15 ? .int(Int64(d)) : Number(text: Substring("\(d)")) ?? Number(d))
        case .string(let s): self = .string(s)
        case .array(let elements): self = .array(elements.map(Rego.Value.init))
        case .object(let members): self = .object(ObjectValue(members.mapValues(Rego.Value.init)))
        }
    }
}
