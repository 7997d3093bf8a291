/// Parses Rego v1 source into modules, queries and terms.
struct Parser {
    private var tokens: [Token]
    private var index = 0
    private let file: String
    /// Whether a line break ends the current expression: true in bodies, false inside brackets and calls.
    private var newlineEnds: [Bool] = [true]
    private var wildcardCounter = 0
    /// How deeply terms nest right now; bounded so that hostile source gets an error, not a stack overflow.
    private var depth = 0
    private static let maximumDepth = 256

    private static let keywords: Set<String> = [
        "not", "some", "every", "with", "as", "in", "if", "contains", "else", "default", "import", "package",
        "true", "false", "null",
    ]

    init(source: String, file: String, line: Int = 1, column: Int = 1) throws {
        var lexer = Lexer(source: source, file: file, line: line, column: column)
        tokens = try lexer.tokenize()
        self.file = file
    }

    // MARK: token access

    private var current: Token { tokens[index] }
    private var next: Token { tokens[min(index + 1, tokens.count - 1)] }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func error(_ message: String, at token: Token? = nil) -> RegoError {
        RegoError(code: .parse, message: message, location: (token ?? current).location)
    }

    private mutating func expect(_ punctuation: String) throws {
        guard current.isPunctuation(punctuation) else {
            throw error("expected '\(punctuation)' but found \(describe(current))")
        }
        advance()
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier(let i): return "'\(i)'"
        case .string, .rawString, .template: return "string"
        case .number(let n): return "number \(n)"
        case .punctuation(let p): return "'\(p)'"
        case .end: return "end of input"
        }
    }

    private var atEnd: Bool {
        if case .end = current.kind { return true }
        return false
    }

    // MARK: modules

    /// Parses a whole module: `package`, imports, rules.
    mutating func parseModule() throws -> Module {
        guard current.isIdentifier("package") else { throw error("expected 'package'") }
        advance()
        let packageRef = try parseNamePath()
        var module = Module(file: file, package: packageRef, imports: [], rules: [])
        while current.isIdentifier("import") {
            let location = current.location
            advance()
            let path = try parseTerm()
            var alias: String?
            if current.isIdentifier("as") {
                advance()
                guard case .identifier(let name) = current.kind else { throw error("expected an import alias") }
                alias = name
                advance()
            }
            module.imports.append(Import(path: path, alias: alias, location: location))
        }
        while !atEnd {
            module.rules.append(contentsOf: try parseRule())
        }
        return module
    }

    private mutating func parseNamePath() throws -> [String] {
        guard case .identifier(let first) = current.kind else { throw error("expected a package name") }
        var path = [first]
        advance()
        while !current.followsSpace {
            if current.isPunctuation("."), case .identifier(let name) = next.kind {
                path.append(name)
                advance()
                advance()
            } else if current.isPunctuation("["), case .string(let name) = next.kind {
                path.append(name)
                advance()
                advance()
                try expect("]")
            } else {
                break
            }
        }
        return path
    }

    // MARK: rules

    private mutating func parseRule() throws -> [Rule] {
        let location = current.location
        var isDefault = false
        if current.isIdentifier("default"), !startsRef(next) {
            isDefault = true
            advance()
        }
        guard case .identifier(let name) = current.kind,
              !Parser.keywords.contains(name) || name == "contains" || startsRef(next)
        else {
            throw error("expected a rule but found \(describe(current))")
        }
        advance()
        var head: [Term] = [.value(.string(name))]
        var arguments: [Term]?
        newlineEnds.append(false)
        while !current.followsSpace {
            if current.isPunctuation("."), case .identifier(let key) = next.kind {
                head.append(.value(.string(key)))
                advance()
                advance()
            } else if current.isPunctuation("[") {
                advance()
                head.append(try parseExpressionTerm())
                try expect("]")
            } else if current.isPunctuation("("), arguments == nil {
                advance()
                var args: [Term] = []
                while !current.isPunctuation(")") {
                    args.append(try parseExpressionTerm())
                    if current.isPunctuation(",") { advance() } else { break }
                }
                try expect(")")
                arguments = args
            } else {
                break
            }
        }
        newlineEnds.removeLast()

        var kind = Rule.Kind.singleValue
        var value: Term = .value(.bool(true))
        if current.isIdentifier("contains") {
            kind = .multiValue
            advance()
            value = try parseExpressionTerm()
        } else if current.isPunctuation(":=") || current.isPunctuation("=") {
            advance()
            value = try parseExpressionTerm()
        }

        if isDefault {
            return [Rule(location: location, head: head, kind: kind, arguments: arguments, value: value, body: [],
                         isDefault: true, elses: [])]
        }
        var bodies: [[Expr]] = []
        if current.isIdentifier("if"), !startsRef(next) {
            advance()
            bodies.append(try parseRuleBody())
        }
        // A `{` after a head or a body always opens another body: a rule never starts with a brace.
        while current.isPunctuation("{") {
            bodies.append(try parseBlock())
        }
        var elses: [(value: Term, body: [Expr])] = []
        while current.isIdentifier("else"), !startsRef(next) {
            advance()
            var elseValue: Term = .value(.bool(true))
            if current.isPunctuation(":=") || current.isPunctuation("=") {
                advance()
                elseValue = try parseExpressionTerm()
            }
            var elseBody: [Expr] = []
            if current.isIdentifier("if") {
                advance()
                elseBody = try parseRuleBody()
            } else if current.isPunctuation("{") {
                elseBody = try parseBlock()
            }
            elses.append((elseValue, elseBody))
        }
        let firstBody = bodies.first ?? []
        var rules = [Rule(location: location, head: head, kind: kind, arguments: arguments, value: value,
                          body: firstBody, isDefault: false, elses: elses)]
        for extra in bodies.dropFirst() {
            rules.append(Rule(location: location, head: head, kind: kind, arguments: arguments, value: value,
                              body: extra, isDefault: false, elses: []))
        }
        return rules
    }

    /// Whether a token continues a reference directly (`.` with no space before), which makes a keyword before it
    /// an ordinary name: `if.foo`, `not.bar`.
    private func startsRef(_ token: Token) -> Bool {
        token.isPunctuation(".") && !token.followsSpace
    }

    private mutating func parseRuleBody() throws -> [Expr] {
        if current.isPunctuation("{") {
            // Usually a block; but `if {x: i | …}` is a one-expression body that starts with a comprehension.
            let saved = self
            do {
                return try parseBlock()
            } catch let blockError {
                let afterBlock = self
                self = saved
                if let literal = try? parseSingleLiteral() { return [literal] }
                self = afterBlock
                throw blockError
            }
        }
        return [try parseSingleLiteral()]
    }

    private mutating func parseSingleLiteral() throws -> Expr {
        newlineEnds.append(true)
        defer { newlineEnds.removeLast() }
        return try parseLiteral()
    }

    /// `{ expr; expr \n expr }`.
    private mutating func parseBlock() throws -> [Expr] {
        try expect("{")
        newlineEnds.append(true)
        defer { newlineEnds.removeLast() }
        let body = try parseExpressions(until: "}")
        try expect("}")
        return body
    }

    private mutating func parseExpressions(until closer: String?) throws -> [Expr] {
        var body: [Expr] = []
        while true {
            while current.isPunctuation(";") { advance() }
            if let closer, current.isPunctuation(closer) { break }
            if atEnd { break }
            let expression = try parseLiteral()
            body.append(expression)
            if current.isPunctuation(";") { continue }
            if let closer, current.isPunctuation(closer) { break }
            if atEnd { break }
            guard current.followsNewline else {
                throw error("unexpected \(describe(current)) after expression")
            }
        }
        if body.isEmpty { throw error("empty body") }
        return body
    }

    /// Parses a query: expressions separated by `;` or line breaks.
    mutating func parseQuery() throws -> [Expr] {
        let body = try parseExpressions(until: nil)
        guard atEnd else { throw error("unexpected \(describe(current))") }
        return body
    }

    /// Parses a single term covering the whole input (for `input_term`).
    mutating func parseWholeTerm() throws -> Term {
        let term = try parseExpressionTerm()
        guard atEnd else { throw error("unexpected \(describe(current))") }
        return term
    }

    /// A template hole, `term [with … as …]`, as the set of its values: `{v | v = term with …}`, so that evaluation
    /// can tell one value from none (`<undefined>`) and from several (a conflict), and `with` applies to the term only.
    mutating func parseTemplateHole() throws -> Term {
        let location = current.location
        let term = try parseExpressionTerm()
        let withs = try parseWiths()
        guard atEnd else { throw error("unexpected \(describe(current))") }
        wildcardCounter += 1
        let value = Term.variable("$_\(wildcardCounter)")
        return .setComprehension(value, [Expr(kind: .unify(value, term), withs: withs, location: location)])
    }

    // MARK: expressions

    private mutating func parseLiteral() throws -> Expr {
        let location = current.location
        var expr: Expr
        if current.isIdentifier("not"), !startsRef(next) {
            advance()
            expr = try parseLiteral()
            guard !expr.negated else { throw error("double negation") }
            expr.negated = true
            expr.location = location
            return expr
        } else if current.isIdentifier("some"), !startsRef(next) {
            advance()
            expr = try parseSome(location)
        } else if current.isIdentifier("every"), !startsRef(next) {
            advance()
            expr = try parseEvery(location)
        } else {
            let first = try parseExpressionTerm(allowKeyValue: true)
            if current.isPunctuation("="), !(newlineEnds.last ?? false && current.followsNewline) {
                advance()
                expr = Expr(kind: .unify(first, try parseExpressionTerm()), location: location)
            } else if current.isPunctuation(":=") {
                advance()
                expr = Expr(kind: .assign(first, try parseExpressionTerm()), location: location)
            } else {
                expr = Expr(kind: .term(first), location: location)
            }
        }
        expr.withs = try parseWiths()
        return expr
    }

    /// Any `with target as value` modifiers after an expression.
    private mutating func parseWiths() throws -> [With] {
        var withs: [With] = []
        while current.isIdentifier("with"), !startsRef(next) {
            advance()
            newlineEnds.append(false)
            let target = try parseTerm()
            guard current.isIdentifier("as") else {
                newlineEnds.removeLast()
                throw error("expected 'as'")
            }
            advance()
            let value = try parseExpressionTerm()
            newlineEnds.removeLast()
            withs.append(With(target: target, value: value))
        }
        return withs
    }

    private mutating func parseSome(_ location: Location) throws -> Expr {
        var terms: [Term] = [try parseRelation()]
        while current.isPunctuation(",") {
            advance()
            terms.append(try parseRelation())
        }
        if current.isIdentifier("in") {
            advance()
            let collection = try parseRelation()
            switch terms.count {
            case 1: return Expr(kind: .someIn(key: nil, value: terms[0], collection: collection), location: location)
            case 2: return Expr(kind: .someIn(key: terms[0], value: terms[1], collection: collection), location: location)
            default: throw error("'some' takes at most a key and a value before 'in'")
            }
        }
        for term in terms {
            guard case .variable = term else { throw error("'some' declares variables only") }
        }
        return Expr(kind: .some(terms), location: location)
    }

    private mutating func parseEvery(_ location: Location) throws -> Expr {
        var terms: [Term] = [try parseTerm()]
        if current.isPunctuation(",") {
            advance()
            terms.append(try parseTerm())
        }
        guard current.isIdentifier("in") else { throw error("expected 'in' in 'every'") }
        advance()
        let domain = try parseRelation()
        let body = try parseBlock()
        let key = terms.count == 2 ? terms[0] : nil
        return Expr(kind: .every(key: key, value: terms[terms.count - 1], domain: domain, body: body),
                    location: location)
    }

    /// A full expression term: membership (`in`) and everything binding tighter.
    mutating func parseExpressionTerm(allowKeyValue: Bool = false) throws -> Term {
        var lhs = try parseRelation()
        if allowKeyValue, current.isPunctuation(",") {
            let saved = index
            let location = current.location
            advance()
            if let value = try? parseRelation(), current.isIdentifier("in") {
                advance()
                let collection = try parseRelation()
                lhs = .call(.builtin("internal.member_3"), [lhs, value, collection], location)
            } else {
                index = saved
            }
        }
        while current.isIdentifier("in"), continues() {
            let location = current.location
            advance()
            let rhs = try parseRelation()
            lhs = .call(.builtin("internal.member_2"), [lhs, rhs], location)
        }
        return lhs
    }

    /// Whether an infix operator at the current token continues the expression (not after a line break in a body).
    private func continues() -> Bool {
        !(newlineEnds.last ?? false) || !current.followsNewline
    }

    private mutating func parseBinary(
        _ operators: [String: String],
        _ operand: (inout Parser) throws -> Term
    ) throws -> Term {
        var lhs = try operand(&self)
        while case .punctuation(let p) = current.kind, let name = operators[p], continues() {
            let location = current.location
            advance()
            let rhs = try operand(&self)
            lhs = .call(.builtin(name), [lhs, rhs], location)
        }
        return lhs
    }

    private static let relations = ["==": "equal", "!=": "neq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"]
    private static let sums = ["+": "plus", "-": "minus"]
    private static let products = ["*": "mul", "/": "div", "%": "rem"]

    private mutating func parseRelation() throws -> Term {
        try parseBinary(Parser.relations) { try $0.parseOr() }
    }

    private var barIsOperator = true

    private mutating func parseOr() throws -> Term {
        guard barIsOperator else { return try parseAnd() }
        return try parseBinary(["|": "or"]) { try $0.parseAnd() }
    }

    private mutating func parseAnd() throws -> Term {
        try parseBinary(["&": "and"]) { try $0.parseSum() }
    }

    private mutating func parseSum() throws -> Term {
        try parseBinary(Parser.sums) { try $0.parseProduct() }
    }

    private mutating func parseProduct() throws -> Term {
        try parseBinary(Parser.products) { try $0.parseUnary() }
    }

    private mutating func parseUnary() throws -> Term {
        if current.isPunctuation("-") {
            let location = current.location
            advance()
            if case .number(let text) = current.kind, !current.followsSpace {
                advance()
                guard let n = Number(text: Substring("-" + text)) else { throw error("invalid number") }
                return try parseRefContinuation(.value(.number(n)))
            }
            depth += 1
            defer { depth -= 1 }
            guard depth <= Parser.maximumDepth else { throw error("terms nested deeper than \(Parser.maximumDepth) levels") }
            let operand = try parseUnary()
            return .call(.builtin("minus"), [.value(.int(0)), operand], location)
        }
        return try parseTerm()
    }

    // MARK: terms

    /// A primary term with any reference and call suffixes.
    mutating func parseTerm() throws -> Term {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maximumDepth else { throw error("terms nested deeper than \(Parser.maximumDepth) levels") }
        let token = current
        let primary: Term
        switch token.kind {
        case .number(let text):
            advance()
            guard let n = Number(text: Substring(text)) else { throw error("invalid number", at: token) }
            primary = .value(.number(n))
        case .string(let s), .rawString(let s):
            advance()
            primary = .value(.string(s))
        case .template(let pieces):
            advance()
            primary = try parseTemplate(pieces)
        case .identifier(let name):
            switch name {
            case "true" where !startsRef(next), "false" where !startsRef(next):
                advance()
                primary = .value(.bool(name == "true"))
            case "null" where !startsRef(next):
                advance()
                primary = .value(.null)
            case "set" where next.isPunctuation("(") && !next.followsSpace:
                advance()
                advance()
                try expect(")")
                primary = .value(.emptySet)
            default:
                if Parser.keywords.contains(name), name != "contains" || !next.isPunctuation("("), !startsRef(next) {
                    throw error("unexpected keyword '\(name)'", at: token)
                }
                advance()
                if name == "_" {
                    wildcardCounter += 1
                    primary = .variable("$_\(wildcardCounter)")
                } else {
                    primary = .variable(name)
                }
            }
        case .punctuation("("):
            advance()
            newlineEnds.append(false)
            let saved = barIsOperator
            barIsOperator = true
            let inner = try parseExpressionTerm(allowKeyValue: true)
            barIsOperator = saved
            newlineEnds.removeLast()
            try expect(")")
            primary = inner
        case .punctuation("["):
            primary = try parseArray()
        case .punctuation("{"):
            primary = try parseBraces()
        default:
            throw error("unexpected \(describe(token))", at: token)
        }
        return try parseRefContinuation(primary)
    }

    private mutating func parseRefContinuation(_ head: Term) throws -> Term {
        var term = head
        var path: [Term] = []
        func flush() {
            if !path.isEmpty {
                if case .ref(let h, let p) = term { term = .ref(h, p + path) } else { term = .ref(term, path) }
                path = []
            }
        }
        while !current.followsSpace {
            if current.isPunctuation("."), case .identifier(let key) = next.kind, !next.followsSpace {
                advance()
                advance()
                path.append(.value(.string(key)))
            } else if current.isPunctuation("[") {
                advance()
                newlineEnds.append(false)
                let key = try parseExpressionTerm()
                newlineEnds.removeLast()
                try expect("]")
                path.append(key)
            } else if current.isPunctuation("(") {
                let location = current.location
                flush()
                guard let name = Parser.callName(term) else { throw error("invalid call target") }
                advance()
                newlineEnds.append(false)
                var args: [Term] = []
                while !current.isPunctuation(")") {
                    args.append(try parseExpressionTerm())
                    if current.isPunctuation(",") { advance() } else { break }
                }
                newlineEnds.removeLast()
                try expect(")")
                term = .call(.name(name), args, location)
            } else {
                break
            }
        }
        flush()
        return term
    }

    /// The dotted name a call is written with, if the term is a variable followed by constant string keys.
    private static func callName(_ term: Term) -> String? {
        switch term {
        case .variable(let name): return name
        case .ref(.variable(let name), let path):
            var parts = [name]
            for element in path {
                guard case .value(.string(let key)) = element else { return nil }
                parts.append(key)
            }
            return parts.joined(separator: ".")
        default:
            return nil
        }
    }

    private mutating func parseArray() throws -> Term {
        advance()
        newlineEnds.append(false)
        defer { newlineEnds.removeLast() }
        if current.isPunctuation("]") {
            advance()
            return .value(.array([]))
        }
        let first = try withoutBar { try $0.parseExpressionTerm() }
        if current.isPunctuation("|") {
            advance()
            let body = try parseComprehensionBody(closer: "]")
            return .arrayComprehension(first, body)
        }
        var elements = [first]
        while current.isPunctuation(",") {
            advance()
            if current.isPunctuation("]") { break }
            elements.append(try parseExpressionTerm())
        }
        try expect("]")
        return .array(elements)
    }

    private mutating func parseBraces() throws -> Term {
        advance()
        newlineEnds.append(false)
        defer { newlineEnds.removeLast() }
        if current.isPunctuation("}") {
            advance()
            return .value(.emptyObject)
        }
        let first = try withoutBar { try $0.parseExpressionTerm() }
        if current.isPunctuation(":") {
            advance()
            let firstValue = try withoutBar { try $0.parseExpressionTerm() }
            if current.isPunctuation("|") {
                advance()
                let body = try parseComprehensionBody(closer: "}")
                return .objectComprehension(first, firstValue, body)
            }
            var entries = [(first, firstValue)]
            while current.isPunctuation(",") {
                advance()
                if current.isPunctuation("}") { break }
                let key = try parseExpressionTerm()
                try expect(":")
                entries.append((key, try parseExpressionTerm()))
            }
            try expect("}")
            return .object(entries)
        }
        if current.isPunctuation("|") {
            advance()
            let body = try parseComprehensionBody(closer: "}")
            return .setComprehension(first, body)
        }
        var elements = [first]
        while current.isPunctuation(",") {
            advance()
            if current.isPunctuation("}") { break }
            elements.append(try parseExpressionTerm())
        }
        try expect("}")
        return .set(elements)
    }

    private mutating func withoutBar(_ parse: (inout Parser) throws -> Term) throws -> Term {
        let saved = barIsOperator
        barIsOperator = false
        defer { barIsOperator = saved }
        return try parse(&self)
    }

    private mutating func parseComprehensionBody(closer: String) throws -> [Expr] {
        newlineEnds.append(true)
        let saved = barIsOperator
        barIsOperator = true
        defer {
            newlineEnds.removeLast()
            barIsOperator = saved
        }
        let body = try parseExpressions(until: closer)
        try expect(closer)
        return body
    }

    private mutating func parseTemplate(_ pieces: [TemplatePiece]) throws -> Term {
        var parts: [Term] = []
        for piece in pieces {
            switch piece {
            case .text(let text):
                parts.append(.value(.string(text)))
            case .expression(let source, let location):
                var inner = try Parser(source: source, file: location.file, line: location.line,
                                       column: location.column)
                inner.wildcardCounter = wildcardCounter + 1000
                inner.newlineEnds = [false]
                parts.append(try inner.parseTemplateHole())
            }
        }
        return .template(parts)
    }
}
