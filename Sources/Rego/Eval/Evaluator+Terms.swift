extension Evaluator {
    /// Each value a term takes; references with unbound variables iterate and bind them.
    func evalTerm(_ term: Term, _ frame: Frame, _ k: (Value) throws -> Void) throws {
        switch term {
        case .value(let value):
            try k(value)
        case .local(let slot):
            guard let value = frame.slots[slot] else {
                throw RegoError(code: .unsafeVariable, message: "variable is unsafe", location: nil)
            }
            try k(value)
        case .data:
            if let value = try documentValue(policy.root) { try k(value) }
        case .input:
            if let input { try k(input) }
        case .ref(let head, let path):
            try evalRef(head, path, frame, k)
        case .array(let elements):
            try evalTerms(elements, frame) { try k(.array($0)) }
        case .set(let elements):
            try evalTerms(elements, frame) { try k(.set(SetValue($0))) }
        case .object(let entries):
            var values: [Value] = []
            values.reserveCapacity(entries.count * 2)
            try evalEntries(entries, 0, &values, frame) { values in
                var object = ObjectValue()
                var index = 0
                while index + 1 < values.count {
                    object[values[index]] = values[index + 1]
                    index += 2
                }
                try k(.object(object))
            }
        case .arrayComprehension(let head, let body):
            var elements: [Value] = []
            try evalBody(body, 0, frame) { try evalTerm(head, frame) { elements.append($0) } }
            try k(.array(elements))
        case .setComprehension(let head, let body):
            var members: [Value] = []
            try evalBody(body, 0, frame) { try evalTerm(head, frame) { members.append($0) } }
            try k(.set(SetValue(members)))
        case .objectComprehension(let keyTerm, let valueTerm, let body):
            var object = ObjectValue()
            try evalBody(body, 0, frame) {
                try evalTerm(keyTerm, frame) { key in
                    try evalTerm(valueTerm, frame) { value in
                        if let existing = object[key], existing != value {
                            throw RegoError(code: .evalConflict, message: "object keys must be unique", location: nil)
                        }
                        object[key] = value
                    }
                }
            }
            try k(.object(object))
        case .call(let callee, let args, let location):
            try evalCall(callee, args, location, frame, k)
        case .template(let parts):
            try evalTemplate(parts, 0, "", frame, k)
        case .variable(let name):
            throw RegoError(code: .internalError, message: "unresolved variable \(name)", location: nil)
        }
    }

    /// Every combination of the terms' values.
    func evalTerms(_ terms: [Term], _ frame: Frame, _ k: ([Value]) throws -> Void) throws {
        var values: [Value] = []
        values.reserveCapacity(terms.count)
        try evalTermsFrom(terms, 0, &values, frame, k)
    }

    /// Every combination of an object literal's keys and values, appended in turn to `values`.
    private func evalEntries(
        _ entries: [(Term, Term)], _ index: Int, _ values: inout [Value], _ frame: Frame, _ k: ([Value]) throws -> Void
    ) throws {
        if index == entries.count {
            try k(values)
            return
        }
        try evalTerm(entries[index].0, frame) { key in
            try evalTerm(entries[index].1, frame) { value in
                values.append(key)
                values.append(value)
                defer { values.removeLast(2) }
                try evalEntries(entries, index + 1, &values, frame, k)
            }
        }
    }

    private func evalTermsFrom(
        _ terms: [Term], _ index: Int, _ values: inout [Value], _ frame: Frame, _ k: ([Value]) throws -> Void
    ) throws {
        if index == terms.count {
            try k(values)
            return
        }
        if case .value(let constant) = terms[index] {
            values.append(constant)
            defer { values.removeLast() }
            try evalTermsFrom(terms, index + 1, &values, frame, k)
            return
        }
        try evalTerm(terms[index], frame) { value in
            values.append(value)
            defer { values.removeLast() }
            try evalTermsFrom(terms, index + 1, &values, frame, k)
        }
    }

    /// A template string: each hole (the set of its term's values) as text, `<undefined>` for a hole without a value.
    private func evalTemplate(_ parts: [Term], _ index: Int, _ text: String, _ frame: Frame, _ k: (Value) throws -> Void) throws {
        if index == parts.count {
            try k(.string(text))
            return
        }
        if case .value(.string(let literal)) = parts[index] {
            try evalTemplate(parts, index + 1, text + literal, frame, k)
            return
        }
        try evalTerm(parts[index], frame) { holeValues in
            guard case .set(let values) = holeValues, values.count <= 1 else {
                throw RegoError(code: .evalConflict, message: "template expression produced multiple outputs", location: nil)
            }
            let piece = values.elements.first.map { $0.printText } ?? "<undefined>"
            try evalTemplate(parts, index + 1, text + piece, frame, k)
        }
    }

    // MARK: references

    func evalRef(_ head: Term, _ path: [Term], _ frame: Frame, _ k: (Value) throws -> Void) throws {
        switch head {
        case .data:
            try evalDataRef(policy.root, path, 0, frame, k)
        case .input:
            guard let input else { return }
            try walk(input, path, 0, frame, k)
        default:
            try evalTerm(head, frame) { value in try walk(value, path, 0, frame, k) }
        }
    }

    /// Follows `path[index...]` into a value, iterating where a key is an unbound variable or a pattern.
    func walk(
        _ value: Value, _ path: [Term], _ index: Int, _ frame: Frame, baseDocument: Bool = false,
        _ k: (Value) throws -> Void
    ) throws {
        if index == path.count {
            try k(value)
            return
        }
        let key = path[index]
        if case .value(let constant) = key {
            if let child = Evaluator.child(of: value, at: constant, baseDocument) {
                try walk(child, path, index + 1, frame, baseDocument: baseDocument, k)
            }
            return
        }
        if case .local(let slot) = key {
            if let bound = frame.slots[slot] {
                if let child = Evaluator.child(of: value, at: bound, baseDocument) {
                    try walk(child, path, index + 1, frame, baseDocument: baseDocument, k)
                }
            } else {
                try iterate(value) { elementKey, element in
                    try bind(slot, elementKey, frame) { try walk(element, path, index + 1, frame, baseDocument: baseDocument, k) }
                }
            }
            return
        }
        if isPattern(key, frame) {
            try iterate(value) { elementKey, element in
                try unifyValue(key, elementKey, frame) {
                    try walk(element, path, index + 1, frame, baseDocument: baseDocument, k)
                }
            }
            return
        }
        try evalTerm(key, frame) { keyValue in
            if let child = Evaluator.child(of: value, at: keyValue, baseDocument) {
                try walk(child, path, index + 1, frame, baseDocument: baseDocument, k)
            }
        }
    }

    /// The element at `key`. Base documents are JSON, so a number key in a `data` reference also finds the
    /// object member named by its text (`data.nested[2]` reads `{"2": …}`), as OPA's storage paths do.
    private static func child(of value: Value, at key: Value, _ baseDocument: Bool) -> Value? {
        if let child = value[key] { return child }
        guard baseDocument, case .number = key, case .object(let object) = value else { return nil }
        return object[.string(key.jsonText)]
    }
}
