#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// An OCI image manifest (or a Docker schema 2 manifest, which has the same shape).
public struct Manifest: Sendable, Hashable, Codable {
    /// Always 2.
    public var schemaVersion: Int
    /// The manifest's media type.
    public var mediaType: String?
    /// The artifact type, for artifacts.
    public var artifactType: String?
    /// The configuration blob.
    public var config: Descriptor
    /// The layers, base first.
    public var layers: [Descriptor]
    /// The manifest this one refers to.
    public var subject: Descriptor?
    /// Annotations.
    public var annotations: [String: String]?

    /// Reads a manifest.
    ///
    /// - Throws: ``OCIError`` `.malformed` when the JSON is not a manifest.
    public init(json: [UInt8]) throws {
        do {
            self = try JSONDecoder().decode(Manifest.self, from: Data(json))
        } catch {
            throw OCIError(.malformed, "not an image manifest: \(DecodingFailure(error))")
        }
        guard schemaVersion == 2 else { throw OCIError(.malformed, "manifest schemaVersion is \(schemaVersion), not 2") }
    }

    /// The JSON bytes written for this manifest (keys sorted, slashes unescaped).
    public func encoded() throws -> [UInt8] { try OCIJSON.encode(self) }
}

/// An OCI image index (or a Docker manifest list): the layout's `index.json` and multi-platform images.
public struct ImageIndex: Sendable, Hashable, Codable {
    /// Always 2.
    public var schemaVersion: Int
    /// The index's media type.
    public var mediaType: String?
    /// The artifact type, for artifacts.
    public var artifactType: String?
    /// The manifests (or nested indexes).
    public var manifests: [Descriptor]
    /// The manifest this one refers to.
    public var subject: Descriptor?
    /// Annotations.
    public var annotations: [String: String]?

    /// An empty OCI index.
    public init() {
        schemaVersion = 2
        mediaType = MediaType.imageIndex
        manifests = []
    }

    /// Reads an index.
    ///
    /// - Throws: ``OCIError`` `.malformed` when the JSON is not an index.
    public init(json: [UInt8]) throws {
        do {
            self = try JSONDecoder().decode(ImageIndex.self, from: Data(json))
        } catch {
            throw OCIError(.malformed, "not an image index: \(DecodingFailure(error))")
        }
        guard schemaVersion == 2 else { throw OCIError(.malformed, "index schemaVersion is \(schemaVersion), not 2") }
    }

    /// The JSON bytes written for this index (keys sorted, slashes unescaped).
    public func encoded() throws -> [UInt8] { try OCIJSON.encode(self) }
}

/// The JSON encoding used for every document written.
enum OCIJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return [UInt8](try encoder.encode(value))
        } catch {
            throw OCIError(.malformed, "cannot encode JSON: \(error)")
        }
    }
}

/// A decoding error reduced to the path of the member at fault.
struct DecodingFailure: CustomStringConvertible {
    let description: String

    init(_ error: any Error) {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            description = "missing \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            description = "wrong type at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        case DecodingError.dataCorrupted(let context):
            description = context.codingPath.isEmpty ? "not JSON" : "bad value at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        default:
            description = "unreadable"
        }
    }
}
