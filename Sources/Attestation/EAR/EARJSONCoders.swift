import Foundation
import HermeticCore
import JWTKit

/// jwt-kit's JSON decoding with one shortcut: an EAR payload is read by HermeticCore's byte parser straight into a
/// ``JSONValue``, instead of through `Codable`, which tries each JSON type in turn for every value of the claims and
/// was the largest single cost of checking a token. Everything else (the JOSE header) goes to jwt-kit's decoder.
struct EARJSONDecoder: JWTJSONDecoder {
    private let fallback: any JWTJSONDecoder = .defaultForJWT

    func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if type == EARPayload.self, let payload = EARPayload(claims: try JSONValue(parsing: data)) as? T {
            return payload
        }
        return try fallback.decode(type, from: data)
    }
}

/// jwt-kit's JSON encoding with the same shortcut: an EAR payload is written by ``JSONValue/serialized(pretty:)``
/// (keys sorted, no escaped slashes) instead of through `Codable`; the header goes to jwt-kit's encoder.
struct EARJSONEncoder: JWTJSONEncoder {
    private let fallback: any JWTJSONEncoder = .defaultForJWT

    func encode<T: Encodable>(_ value: T) throws -> Data {
        if let payload = value as? EARPayload { return Data(payload.claims.serialized().utf8) }
        return try fallback.encode(value)
    }
}
