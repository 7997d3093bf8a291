/// `json.patch`: RFC 6902 patches over Rego values. Paths are JSON Pointers (the leading `/` optional) or arrays of
/// segments; a set member is addressed by the member itself, and adding to a set needs the value to equal that
/// member. A patch that cannot apply makes the call undefined.
extension CollectionBuiltins {
    static let jsonPatchBuiltins: [Builtin] = [
        Builtin("json.patch", arity: 2) { args, _ in
            var document = args[0]
            for operation in try args.array(1) {
                guard let patched = JSONPatch.apply(operation, to: document) else { return nil }
                document = patched
            }
            return document
        },
    ]
}

/// The RFC 6902 operations, each returning the patched document or `nil` when the operation fails.
enum JSONPatch {
    /// Applies one patch operation object.
    static func apply(_ operation: Value, to document: Value) -> Value? {
        guard case .object(let fields) = operation, case .string(let op)? = fields["op"],
              let pathValue = fields["path"], let path = segments(pathValue)
        else { return nil }
        switch op {
        case "add":
            guard let value = fields["value"] else { return nil }
            return add(value, at: path[...], in: document)
        case "remove":
            return remove(at: path[...], in: document)
        case "replace":
            guard let value = fields["value"] else { return nil }
            return replace(at: path[...], in: document, with: value)
        case "test":
            guard let value = fields["value"], let current = get(path[...], in: document), current == value else {
                return nil
            }
            return document
        case "move":
            guard let fromValue = fields["from"], let from = segments(fromValue),
                  let value = get(from[...], in: document)
            else { return nil }
            if from == path { return document }
            if path.count > from.count, Array(path.prefix(from.count)) == from { return nil }
            guard let removed = remove(at: from[...], in: document) else { return nil }
            return add(value, at: path[...], in: removed)
        case "copy":
            guard let fromValue = fields["from"], let from = segments(fromValue),
                  let value = get(from[...], in: document)
            else { return nil }
            return add(value, at: path[...], in: document)
        default:
            return nil
        }
    }

    /// The segments of a `path` or `from` member: a JSON Pointer string or an array of segments.
    static func segments(_ path: Value) -> [Value]? {
        switch path {
        case .string(let text): return text.isEmpty ? [] : CollectionBuiltins.pathSegments(text)
        case .array(let segments): return segments
        default: return nil
        }
    }

    /// The value at `path`, if there is one.
    static func get(_ path: ArraySlice<Value>, in document: Value) -> Value? {
        guard let segment = path.first else { return document }
        guard let child = child(segment, of: document) else { return nil }
        return get(path.dropFirst(), in: child)
    }

    /// The member `segment` names in a collection.
    private static func child(_ segment: Value, of container: Value) -> Value? {
        switch container {
        case .object(let object): return object[segment]
        case .array(let elements):
            guard let index = CollectionBuiltins.arrayIndex(segment), index < elements.count else { return nil }
            return elements[index]
        case .set(let set): return set.contains(segment) ? segment : nil
        default: return nil
        }
    }

    /// `document` with the value at `path`'s parent transformed by `change`, given the last segment.
    private static func updating(
        _ path: ArraySlice<Value>, in document: Value, _ change: (Value, Value) -> Value?
    ) -> Value? {
        guard let segment = path.first else { return nil }
        if path.count == 1 { return change(document, segment) }
        guard let current = child(segment, of: document),
              let updated = updating(path.dropFirst(), in: current, change)
        else { return nil }
        switch document {
        case .object(var object):
            object[segment] = updated
            return .object(object)
        case .array(var elements):
            guard let index = CollectionBuiltins.arrayIndex(segment), index < elements.count else { return nil }
            elements[index] = updated
            return .array(elements)
        case .set(var set):
            set.remove(segment)
            set.insert(updated)
            return .set(set)
        default:
            return nil
        }
    }

    /// Adds `value` at `path`: sets an object member, inserts into an array (`-` appends), or adds a set member
    /// equal to the last segment; an empty path replaces the document.
    static func add(_ value: Value, at path: ArraySlice<Value>, in document: Value) -> Value? {
        if path.isEmpty { return value }
        return updating(path, in: document) { container, key in
            switch container {
            case .object(var object):
                object[key] = value
                return .object(object)
            case .array(var elements):
                if key == .string("-") {
                    elements.append(value)
                } else {
                    guard let index = CollectionBuiltins.arrayIndex(key), index <= elements.count else { return nil }
                    elements.insert(value, at: index)
                }
                return .array(elements)
            case .set(var set):
                guard key == value else { return nil }
                set.insert(value)
                return .set(set)
            default:
                return nil
            }
        }
    }

    /// Removes the existing object member, array element or set member at `path`.
    static func remove(at path: ArraySlice<Value>, in document: Value) -> Value? {
        updating(path, in: document) { container, key in
            switch container {
            case .object(var object):
                guard object[key] != nil else { return nil }
                object[key] = nil
                return .object(object)
            case .array(var elements):
                guard let index = CollectionBuiltins.arrayIndex(key), index < elements.count else { return nil }
                elements.remove(at: index)
                return .array(elements)
            case .set(var set):
                guard set.contains(key) else { return nil }
                set.remove(key)
                return .set(set)
            default:
                return nil
            }
        }
    }

    /// Replaces the existing value at `path`; an empty path replaces the document.
    static func replace(at path: ArraySlice<Value>, in document: Value, with value: Value) -> Value? {
        if path.isEmpty { return value }
        return updating(path, in: document) { container, key in
            switch container {
            case .object(var object):
                guard object[key] != nil else { return nil }
                object[key] = value
                return .object(object)
            case .array(var elements):
                guard let index = CollectionBuiltins.arrayIndex(key), index < elements.count else { return nil }
                elements[index] = value
                return .array(elements)
            case .set(var set):
                guard set.contains(key) else { return nil }
                set.remove(key)
                set.insert(value)
                return .set(set)
            default:
                return nil
            }
        }
    }
}
