import Rego

/// The shape each verb's noun must have: a JSON object whose named fields, where present or required, have the
/// expected JSON types, and whose container and exec ids are safe identifiers.
///
/// The schema checks form, not policy: a noun that passes may still be refused by the Servicer or the agent policy.
public struct NounSchema: Sendable {
    /// A JSON type a field may have.
    public enum FieldType: Sendable { case string, number, bool, object, array }

    /// One field: name, type, and whether it must be present.
    public struct Field: Sendable {
        let name: String
        let type: FieldType
        let required: Bool
    }

    /// The fields checked for the verb.
    public let fields: [Field]

    /// What is wrong with a noun.
    public enum Violation: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not JSON.
        case notJSON(String)
        /// JSON, but not an object.
        case notAnObject
        /// A required field is absent.
        case missing(String)
        /// A field has the wrong JSON type.
        case wrongType(field: String, want: String)
        /// An id that is not a safe identifier.
        case badIdentifier(field: String)

        public var description: String {
            switch self {
            case .notJSON(let reason): "noun: not JSON (\(reason))"
            case .notAnObject: "noun: not a JSON object"
            case .missing(let field): "noun: required field \(field) is missing"
            case .wrongType(let field, let want): "noun: field \(field) must be \(want)"
            case .badIdentifier(let field): "noun: \(field) must be 1-128 characters of [A-Za-z0-9_.-], not starting with . or -"
            }
        }
    }

    /// The schema of a verb's noun.
    public static func forVerb(_ verb: Verb) -> NounSchema {
        func f(_ name: String, _ type: FieldType, _ required: Bool = true) -> Field { Field(name: name, type: type, required: required) }
        let container = f("container_id", .string)
        let exec = f("exec_id", .string)
        switch verb {
        case .createSandbox:
            return NounSchema(fields: [f("hostname", .string, false), f("dns", .array, false), f("storages", .array, false),
                                       f("sandbox_pidns", .bool, false), f("sandbox_id", .string, false),
                                       f("kernel_modules", .array, false), f("guest_hook_path", .string, false)])
        case .createContainer:
            return NounSchema(fields: [container, f("exec_id", .string, false), f("OCI", .object),
                                       f("storages", .array, false), f("devices", .array, false)])
        case .startContainer, .statsContainer, .pauseContainer, .resumeContainer:
            return NounSchema(fields: [container])
        case .removeContainer:
            return NounSchema(fields: [container, f("timeout", .number, false)])
        case .execProcess:
            return NounSchema(fields: [container, exec, f("process", .object)])
        case .signalProcess:
            return NounSchema(fields: [container, f("exec_id", .string, false), f("signal", .number)])
        case .waitProcess:
            return NounSchema(fields: [container, f("exec_id", .string, false)])
        case .updateContainer:
            return NounSchema(fields: [container, f("resources", .object, false)])
        case .writeStdin:
            return NounSchema(fields: [container, exec, f("data", .string)])
        case .readStdout, .readStderr:
            return NounSchema(fields: [container, exec, f("len", .number)])
        case .closeStdin:
            return NounSchema(fields: [container, exec])
        case .ttyWinResize:
            return NounSchema(fields: [container, exec, f("row", .number), f("column", .number)])
        case .updateInterface:
            return NounSchema(fields: [f("interface", .object)])
        case .updateRoutes:
            return NounSchema(fields: [f("routes", .object)])
        case .addARPNeighbors:
            return NounSchema(fields: [f("neighbors", .object)])
        case .copyFile:
            return NounSchema(fields: [f("path", .string), f("file_type", .string, false), f("file_size", .number, false),
                                       f("file_mode", .number, false), f("offset", .number, false), f("data", .string, false)])
        case .pullImage:
            return NounSchema(fields: [f("image", .string), f("container_id", .string, false)])
        default:
            return NounSchema(fields: [])
        }
    }

    /// The ids checked as identifiers wherever they appear (empty `exec_id` means the container's main process).
    static let identifierFields: Set<String> = ["container_id", "exec_id"]

    /// Checks a noun.
    /// - Throws: the first ``Violation`` found.
    public func check(_ noun: Value) throws(Violation) {
        guard case .object(let object) = noun else { throw .notAnObject }
        for field in fields {
            guard let value = object[field.name], value != .null else {
                if field.required { throw .missing(field.name) }
                continue
            }
            guard Self.matches(value, field.type) else { throw .wrongType(field: field.name, want: "\(field.type)") }
            if Self.identifierFields.contains(field.name), case .string(let text) = value,
               !(field.name == "exec_id" && text.isEmpty), !Self.isIdentifier(text) {
                throw .badIdentifier(field: field.name)
            }
        }
    }

    static func matches(_ value: Value, _ type: FieldType) -> Bool {
        switch (value, type) {
        case (.string, .string), (.number, .number), (.bool, .bool), (.object, .object), (.array, .array): true
        default: false
        }
    }

    /// 1–128 bytes of `[A-Za-z0-9_.-]`, not starting with `.` or `-`: safe as a path component and a runc id.
    static func isIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...128).contains(bytes.count), let first = bytes.first, first != UInt8(ascii: "."), first != UInt8(ascii: "-")
        else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
    }
}
