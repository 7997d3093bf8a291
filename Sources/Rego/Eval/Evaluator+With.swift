extension Evaluator {
    /// Runs `k` with the `with` modifiers from `index` on in force, restoring everything afterwards.
    func applyWiths(_ withs: [With], _ index: Int, _ frame: Frame, _ k: () throws -> Void) throws {
        if index == withs.count {
            let savedCache = cache
            cache = Array(repeating: nil, count: policy.nodeCount)
            defer { cache = savedCache }
            try k()
            return
        }
        let modifier = withs[index]
        if case .call(let target, _, _) = modifier.target {
            let key = Evaluator.overrideKey(target)
            let replacement: FunctionReplacement
            if case .call(let other, let args, _) = modifier.value, args.isEmpty {
                replacement = .callee(other)
            } else {
                guard let value = try firstValue(modifier.value, frame) else { return }
                replacement = .value(value)
            }
            let saved = functionOverrides[key]
            functionOverrides[key] = replacement
            defer { functionOverrides[key] = saved }
            try applyWiths(withs, index + 1, frame, k)
            return
        }
        guard let value = try firstValue(modifier.value, frame) else { return }
        switch modifier.target {
        case .input:
            let saved = input
            input = value
            defer { input = saved }
            try applyWiths(withs, index + 1, frame, k)
        case .ref(.input, let path):
            let saved = input
            input = Evaluator.replacing(input ?? .emptyObject, at: Evaluator.constantPath(path)[...], with: value)
            defer { input = saved }
            try applyWiths(withs, index + 1, frame, k)
        case .data:
            dataOverrides.append(([], value))
            defer { dataOverrides.removeLast() }
            try applyWiths(withs, index + 1, frame, k)
        case .ref(.data, let path):
            dataOverrides.append((Evaluator.constantPath(path), value))
            defer { dataOverrides.removeLast() }
            try applyWiths(withs, index + 1, frame, k)
        default:
            throw RegoError(code: .compile, message: "invalid with target", location: nil)
        }
    }

    private func firstValue(_ term: Term, _ frame: Frame) throws -> Value? {
        var result: Value?
        _ = try hasSolution { found in
            try evalTerm(term, frame) { value in
                result = value
                try found()
            }
        }
        return result
    }

    static func constantPath(_ path: [Term]) -> [String] {
        path.compactMap { term in
            if case .value(.string(let key)) = term { return key }
            return nil
        }
    }
}
