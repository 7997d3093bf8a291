extension Evaluator {
    /// Calls a builtin or user function. A call given one operand more than the function takes unifies the extra
    /// operand with the result (`split(s, ".", parts)`).
    func evalCall(_ callee: Callee, _ args: [Term], _ location: Location, _ frame: Frame, _ k: (Value) throws -> Void) throws {
        var target = callee
        var mocking = false
        if !functionOverrides.isEmpty {
            let key = Evaluator.overrideKey(callee)
            if let replacement = functionOverrides[key] {
                switch replacement {
                case .value(let value):
                    try evalTerms(args, frame) { _ in try k(value) }
                    return
                case .callee(let other):
                    target = other
                    mocking = true
                }
            }
        }
        switch target {
        case .builtin(let name):
            try callBuiltin(name, args, location, frame, k)
        case .function(let path):
            try callFunction(path, args, location, frame, mocking: mocking, k)
        case .name(let name):
            throw RegoError(code: .internalError, message: "unresolved call \(name)", location: location)
        }
    }

    static func overrideKey(_ callee: Callee) -> String {
        switch callee {
        case .builtin(let name), .name(let name): return name
        case .function(let path): return (["data"] + path).joined(separator: ".")
        }
    }

    private func callBuiltin(_ name: String, _ args: [Term], _ location: Location, _ frame: Frame, _ k: (Value) throws -> Void) throws {
        guard let builtin = policy.builtins[name] else {
            throw RegoError(code: .type, message: "undefined function \(name)", location: location)
        }
        if name == "print" {
            try callPrint(args, frame, k)
            return
        }
        var inputs = args
        var output: Term?
        if let arity = builtin.arity, args.count == arity + 1 {
            output = inputs.removeLast()
        } else if let arity = builtin.arity, args.count != arity {
            throw RegoError(code: .type, message: "\(name): arity mismatch", location: location)
        }
        try evalTerms(inputs, frame) { values in
            let results: [Value]
            do {
                switch builtin.implementation {
                case .function(let body):
                    results = try body(Operands(values), context).map { [$0] } ?? []
                case .relation(let body):
                    results = try body(Operands(values), context)
                }
            } catch let error as BuiltinError {
                guard strictBuiltinErrors else { return }
                throw RegoError(code: error.kind == .type ? .evalType : .evalBuiltin,
                                message: "\(name): \(error.message)", location: location)
            }
            if let trace { traceBuiltin(trace, name: name, args: inputs, values: values, results: results, location: location) }
            for result in results {
                if let output {
                    try unifyValue(output, result, frame) { try k(.bool(true)) }
                } else {
                    try k(result)
                }
            }
        }
    }

    /// `print` shows `<undefined>` for an operand without a value instead of failing.
    private func callPrint(_ args: [Term], _ frame: Frame, _ k: (Value) throws -> Void) throws {
        var parts: [String] = []
        for arg in args {
            var values: [Value] = []
            try evalTerm(arg, frame) { values.append($0) }
            parts.append(values.isEmpty ? "<undefined>" : values.map(\.printText).joined(separator: " "))
        }
        context.printLine(parts.joined(separator: " "))
        try k(.bool(true))
    }

    /// Calls a user function; `suspending` names a `with` replacement that does not apply inside the replacement
    /// itself, so a mock can call the function it replaces.
    private func callFunction(
        _ path: [String], _ args: [Term], _ location: Location, _ frame: Frame, mocking: Bool = false,
        _ k: (Value) throws -> Void
    ) throws {
        let key = (["data"] + path).joined(separator: ".")
        guard let rules = policy.functions[key], let arity = rules.first?.arguments?.count else {
            throw RegoError(code: .type, message: "undefined function \(key)", location: location)
        }
        var inputs = args
        var output: Term?
        if args.count == arity + 1 {
            output = inputs.removeLast()
        } else if args.count != arity {
            throw RegoError(code: .type, message: "function \(key) takes \(arity) arguments", location: location)
        }
        try evalTerms(inputs, frame) { values in
            // A mock runs with every mock lifted: it calls the real builtins, never another mock (nor itself).
            let saved = functionOverrides
            if mocking { functionOverrides = [:] }
            let computed = try functionValue(rules, values, location)
            if mocking { functionOverrides = saved }
            guard let result = computed else { return }
            if let output {
                try unifyValue(output, result, frame) { try k(.bool(true)) }
            } else {
                try k(result)
            }
        }
    }

    /// The single value of a function at the given arguments: every definition whose parameters match must agree.
    func functionValue(_ rules: [Rule], _ values: [Value], _ location: Location) throws -> Value? {
        callDepth += 1
        defer { callDepth -= 1 }
        guard callDepth < 200 else {
            throw RegoError(code: .recursion, message: "function calls nested too deeply", location: location)
        }
        return try agreedValue(of: rules, arguments: values,
                               conflict: "functions must not produce multiple outputs for same inputs",
                               location: location)
    }

    /// The one value that rules sharing a head produce for the given arguments (none for a complete rule): every
    /// definition whose parameters match must agree, else the `default` applies.
    /// - Parameter location: where a conflict is reported; `nil` reports it at the rule that disagrees.
    func agreedValue(of rules: [Rule], arguments values: [Value], conflict: String, location: Location?) throws -> Value? {
        var result: Value?
        var defaultRule: Rule?
        for rule in rules {
            if rule.isDefault {
                defaultRule = rule
                continue
            }
            try withFrame(rule.slotCount) { frame in
                try bindArguments(rule.arguments ?? [], values, 0, frame) {
                    try evalRuleValues(rule, frame) { value in
                        if let existing = result, existing != value {
                            throw RegoError(code: .evalConflict, message: conflict, location: location ?? rule.location)
                        }
                        result = value
                    }
                }
            }
        }
        if result == nil, let defaultRule {
            try withFrame(defaultRule.slotCount) { frame in
                try bindArguments(defaultRule.arguments ?? [], values, 0, frame) {
                    try evalTerm(defaultRule.value, frame) { result = $0 }
                }
            }
        }
        return result
    }

    private func bindArguments(_ parameters: [Term], _ values: [Value], _ index: Int, _ frame: Frame, _ k: () throws -> Void) throws {
        if index == parameters.count {
            try k()
            return
        }
        try unifyValue(parameters[index], values[index], frame) {
            try bindArguments(parameters, values, index + 1, frame, k)
        }
    }
}
