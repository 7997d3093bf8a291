/// `io.jwt.decode`: splits a compact JWS into its decoded header, payload and hex signature, without verifying it.
extension CryptoBuiltins {
    static let jwtBuiltins: [Builtin] = [
        Builtin("io.jwt.decode", arity: 1) { args, _ in try decodeJWT(try args.string(0)) },
    ]

    /// How many nested JWTs (`cty: JWT`) decoding follows before giving up.
    static let maximumJWTNesting = 32

    /// `[header, payload, signature]` of a compact JWT, following nested tokens whose header says `cty: JWT`.
    static func decodeJWT(_ token: String, nesting: Int = 0) throws(BuiltinError) -> Value {
        guard nesting < maximumJWTNesting else { throw BuiltinError.failure("JWT nested too deeply") }
        guard token.contains(".") else { throw BuiltinError.failure("encoded JWT had no period separators") }
        let sections = token.split(separator: ".", omittingEmptySubsequences: false)
        guard sections.count == 3 else {
            throw BuiltinError.failure("encoded JWT must have 3 sections, found \(sections.count)")
        }
        let header = try jwtJSONObject(try jwtSection(sections[0], named: "header"), invalid: "bad JWT header")
        if header["enc"] != nil { throw BuiltinError.failure("JWT is a JWE object, which is not supported") }
        let payloadText = try jwtSection(sections[1], named: "payload")
        if case .string("JWT")? = header["cty"] {
            return try decodeJWT(trimmingQuotes(payloadText), nesting: nesting + 1)
        }
        let payload = try jwtJSONObject(payloadText, invalid: nil)
        let signature = try jwtBytes(sections[2], named: "signature")
        return .array([.object(header), .object(payload), .string(EncodingBuiltins.hexString(signature))])
    }

    /// The bytes of one base64url section; its decoding errors name the section.
    private static func jwtBytes(_ section: Substring, named name: String) throws(BuiltinError) -> [UInt8] {
        do {
            return try Base64Codec.decodeURLPaddingIfNeeded(String(section))
        } catch {
            throw BuiltinError.failure("JWT \(name) had invalid encoding: \(error.message)")
        }
    }

    /// The text of one base64url section.
    private static func jwtSection(_ section: Substring, named name: String) throws(BuiltinError) -> String {
        String(decoding: try jwtBytes(section, named: name), as: UTF8.self)
    }

    /// A section's JSON, which must be an object; later duplicate keys win.
    private static func jwtJSONObject(_ text: String, invalid prefix: String?) throws(BuiltinError) -> ObjectValue {
        let value: Value
        do {
            value = try JSONReader.parse(text)
        } catch {
            let message = "invalid JSON: \(error)"
            throw BuiltinError.failure(prefix.map { "\($0): \(message)" } ?? message)
        }
        guard case .object(let object) = value else {
            let message = "decoded JSON type was not an Object"
            throw BuiltinError.failure(prefix.map { "\($0): \(message)" } ?? message)
        }
        return object
    }

    /// `text` without the double quotes that surround a nested token.
    private static func trimmingQuotes(_ text: String) -> String {
        String(text.drop { $0 == "\"" }.reversed().drop { $0 == "\"" }.reversed())
    }
}
