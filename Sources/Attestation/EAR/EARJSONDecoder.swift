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
