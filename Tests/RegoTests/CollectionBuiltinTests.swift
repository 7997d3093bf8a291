import Testing
@testable import Rego

private func call(_ name: String, _ args: Value...) throws -> Value? { try invokeBuiltin(name, args) }

private func relation(_ name: String, _ args: Value...) throws -> [Value] {
    guard let builtin = BuiltinRegistry.standard[name], case .relation(let body) = builtin.implementation else {
        Issue.record("no relation builtin \(name)")
        return []
    }
    return try body(Operands(args), BuiltinContext(nowNanoseconds: 0, printLine: { _ in }))
}

private func json(_ text: String) throws -> Value { try JSONReader.parse(text) }

private func set(_ members: Value...) -> Value { .set(SetValue(members)) }

private func strings(_ members: String...) -> Value { .set(SetValue(members.map(Value.string))) }

private func object(_ pairs: (Value, Value)...) -> Value { .object(ObjectValue(pairs)) }

private func expectError(_ kind: BuiltinError.Kind, _ message: String, _ body: () throws -> Value?) {
    expectBuiltinError(kind, message, body)
}

@Suite struct AggregateBuiltinTests {
    // aggregates/sum, product, max, min, sort over arrays and sets; bug 2469 precision.
    @Test func aggregates() throws {
        let numbers = try json("[1,2,3,4]")
        let numberSet = set(.int(1), .int(2), .int(3), .int(4))
        #expect(try call("sum", numbers) == .int(10))
        #expect(try call("sum", numberSet) == .int(10))
        #expect(try call("sum", try json("[49649733057, 1]")) == .int(49_649_733_058))
        #expect(try call("sum", try json("[]")) == .int(0))
        #expect(try call("sum", try json("[0.5, 1]")) == json("1.5"))
        #expect(try call("product", numbers) == .int(24))
        #expect(try call("product", numberSet) == .int(24))
        #expect(try call("product", try json("[]")) == .int(1))
        #expect(try call("max", numbers) == .int(4))
        #expect(try call("max", numberSet) == .int(4))
        #expect(try call("min", try json("[1,2,1,3,4]")) == .int(1))
        #expect(try call("min", try json("[3,2,1,4,6,-7,10]")) == .int(-7))
        #expect(try call("min", numberSet) == .int(1))
        #expect(try call("max", try json("[]")) == nil)
        #expect(try call("max", try json(#"[1, "a", null]"#)) == .string("a"))
        #expect(try call("sort", try json("[4,3,2,1]")) == numbers)
        #expect(try call("sort", numberSet) == numbers)
        #expect(try call("sort", try json(#"["b", 1, null, [1], "a"]"#)) == json(#"[null, 1, "a", "b", [1]]"#))
    }

    @Test func aggregateErrors() {
        expectError(.type, "operand 1 must be one of {array, set} but got object") { try call("sum", .emptyObject) }
        expectError(.type, "containing string") { try call("sum", .array([.string("1")])) }
        expectError(.type, "operand 1 must be one of {array, set} but got number") { try call("sort", .int(1)) }
    }
}

@Suite struct ArrayAndSetBuiltinTests {
    // array/concat, array/concat: err, err rhs.
    @Test func concat() throws {
        #expect(try call("array.concat", try json("[1,2]"), try json("[3,4]")) == json("[1,2,3,4]"))
        expectError(.type, "operand 1 must be array but got object") { try call("array.concat", .emptyObject, .array([])) }
        expectError(.type, "operand 2 must be array but got object") { try call("array.concat", .array([]), .emptyObject) }
    }

    // array/slice cases, including clamping and negative indices.
    @Test(arguments: [
        ("[1,2,3,4,5]", 1, 3, "[2,3]"), ("[1,2,3]", 0, 0, "[]"), ("[1,2,3,4,5]", -4, -1, "[]"),
        ("[1,2,3,4,5]", 4, 1, "[]"), ("[1,2,3,4,5]", -1, 2, "[1,2]"), ("[1,2,3,4,5]", 3, 6, "[4,5]"),
        ("[]", 1000, 2000, "[]"), ("[1,2,3]", 1000, 2000, "[]"),
    ])
    func slice(array: String, start: Int, stop: Int, expected: String) throws {
        #expect(try call("array.slice", try json(array), .int(start), .int(stop)) == json(expected))
    }

    @Test func sliceWithHugeIndices() throws {
        let huge = try json("100000000000000000000000")
        #expect(try call("array.slice", try json("[1,2]"), .int(0), huge) == json("[1,2]"))
        #expect(try call("array.slice", try json("[1,2]"), .int(0), .int(Int.min)) == json("[]"))
    }

    // array/reverse_*, array/flatten *.
    @Test func reverseAndFlatten() throws {
        #expect(try call("array.reverse", try json("[1,2,3]")) == json("[3,2,1]"))
        #expect(try call("array.reverse", try json("[]")) == json("[]"))
        expectError(.type, "operand 1 must be array but got object") { try call("array.reverse", .emptyObject) }
        #expect(try call("array.flatten", try json("[]")) == json("[]"))
        #expect(try call("array.flatten", try json("[[1,2],[3,4],[5]]")) == json("[1,2,3,4,5]"))
        #expect(try call("array.flatten", try json("[1,2,[3]]")) == json("[1,2,3]"))
        #expect(try call("array.flatten", try json("[[[1],[2,3,[]]],[[4,5]]]")) == json("[[1],[2,3,[]],[4,5]]"))
        #expect(
            try call("array.flatten", try json(#"[[1,2],"string",[3,{"a":"b"}],4.5,[6,[7,8]]]"#))
                == json(#"[1,2,"string",3,{"a":"b"},4.5,6,[7,8]]"#))
        expectError(.type, "operand 1 must be array but got number") { try call("array.flatten", .int(42)) }
    }

    // intersection/* and union/*.
    @Test func unionsAndIntersections() throws {
        let s1 = set(.int(1), .int(2), .int(3))
        let s2 = set(.int(2), .int(3), .int(4))
        let s3 = set(.int(4), .int(5), .int(6))
        #expect(try call("intersection", .emptySet) == .emptySet)
        #expect(try call("intersection", set(.emptySet, set(.int(1), .int(2)))) == .emptySet)
        #expect(try call("intersection", set(s1, set(.int(2)))) == set(.int(2)))
        #expect(try call("intersection", set(s1, s2, s3)) == .emptySet)
        #expect(
            try call("intersection", set(strings("a", "b", "c", "d"), strings("b", "c", "d"), strings("c", "d"), strings("d")))
                == strings("d"))
        #expect(try call("union", .emptySet) == .emptySet)
        #expect(try call("union", set(.emptySet, set(.int(1), .int(2)))) == set(.int(1), .int(2)))
        #expect(try call("union", set(s1, s2, s3)) == set(.int(1), .int(2), .int(3), .int(4), .int(5), .int(6)))
        expectError(.type, "operand 1 must be set but got array") { try call("union", .array([])) }
        expectError(.type, "set of sets") { try call("intersection", set(.int(1))) }
    }
}

@Suite struct ObjectBuiltinTests {
    // objectget/*.
    @Test func get() throws {
        #expect(try call("object.get", try json(#"{"a":"b"}"#), .string("a"), .string("c")) == .string("b"))
        #expect(try call("object.get", try json(#"{"a":"b"}"#), .string("c"), .string("c")) == .string("c"))
        #expect(try call("object.get", object((.int(1), .int(2))), .int(1), .int(3)) == .int(2))
        #expect(try call("object.get", object((.int(1), .int(2))), .int(2), .int(3)) == .int(3))
        #expect(try call("object.get", try json(#"{"a":1}"#), .array([]), .int(2)) == json(#"{"a":1}"#))
        #expect(try call("object.get", try json(#"{"a":{"b":{"c":1}}}"#), try json(#"["a","b","c"]"#), .int(2)) == .int(1))
        #expect(try call("object.get", try json(#"{"a":{"b":{"c":1}}}"#), try json(#"["a","b","a"]"#), .int(2)) == .int(2))
        #expect(try call("object.get", try json(#"{"a":{"b":[1,2,3]}}"#), try json(#"["a","b","a"]"#), .int(2)) == .int(2))
        #expect(try call("object.get", try json(#"{"a":{"b":[{"c":1}]}}"#), try json(#"["a","b",0,"c"]"#), .int(2)) == .int(1))
        let nonStringKeys = object((.int(1), object((.string("b"), object((try json("[1,2,3]"), .int(1)))))))
        #expect(try call("object.get", nonStringKeys, try json(#"[1,"b",[1,2,3]]"#), .int(2)) == .int(1))
        expectError(.type, "operand 1 must be object but got string") {
            try call("object.get", .string("object"), try json(#"["a"]"#), .int(2))
        }
    }

    // objectkeys/*.
    @Test func keys() throws {
        #expect(try call("object.keys", try json(#"{"a":1,"b":2}"#)) == strings("a", "b"))
        #expect(try call("object.keys", object((.int(1), .int(1)), (.int(2), .int(2)))) == set(.int(1), .int(2)))
        #expect(try call("object.keys", object((strings("a"), .int(1)))) == set(strings("a")))
        #expect(try call("object.keys", .emptyObject) == .emptySet)
        expectError(.type, "operand 1 must be object but got string") { try call("object.keys", .string("object")) }
    }

    // objectremove/*, objectremoveidempotent, objectremovenonstringkey.
    @Test func remove() throws {
        let doc = try json(#"{"a":1,"b":{"c":3},"d":4}"#)
        #expect(try call("object.remove", doc, strings("b", "d")) == json(#"{"a":1}"#))
        #expect(try call("object.remove", doc, try json(#"["d","b"]"#)) == json(#"{"a":1}"#))
        #expect(try call("object.remove", doc, try json(#"{"b":1,"d":""}"#)) == json(#"{"a":1}"#))
        #expect(try call("object.remove", try json(#"{"a":{"b":{"c":2}},"x":123}"#), try json(#"{"a":{"b":{"foo":"bar"}}}"#)) == json(#"{"x":123}"#))
        #expect(try call("object.remove", .emptyObject, strings("a", "b")) == .emptyObject)
        #expect(try call("object.remove", doc, .emptySet) == doc)
        #expect(try call("object.remove", doc, .array([])) == doc)
        #expect(try call("object.remove", doc, .emptyObject) == doc)
        #expect(try call("object.remove", doc, strings("z")) == doc)
        let nested = try json("[[7]]")
        #expect(try call("object.remove", object((.string("a"), .int(1)), (nested, .int(2))), set(nested)) == json(#"{"a":1}"#))
        expectError(.type, "operand 1 must be object but got array") { try call("object.remove", .array([]), strings("a")) }
        expectError(.type, "operand 2 must be one of {object, set, array} but got string") {
            try call("object.remove", doc, .string("foo"))
        }
    }

    // objectfilter/*, objectfilteridempotent, objectfilternonstringkey.
    @Test func filter() throws {
        let doc = try json(#"{"a":1,"b":2,"c":3,"e":9}"#)
        #expect(try call("object.filter", doc, strings("a", "e")) == json(#"{"a":1,"e":9}"#))
        #expect(try call("object.filter", doc, try json(#"["a","e"]"#)) == json(#"{"a":1,"e":9}"#))
        #expect(try call("object.filter", doc, try json(#"{"a":"foo","e":""}"#)) == json(#"{"a":1,"e":9}"#))
        #expect(try call("object.filter", doc, .emptySet) == .emptyObject)
        #expect(try call("object.filter", doc, .array([])) == .emptyObject)
        #expect(try call("object.filter", doc, .emptyObject) == .emptyObject)
        #expect(try call("object.filter", .emptyObject, strings("a")) == .emptyObject)
        let nested = try json("[[7]]")
        #expect(try call("object.filter", object((.string("a"), .int(1)), (nested, .int(2))), set(nested)) == object((nested, .int(2))))
        expectError(.type, "operand 1 must be object but got null") { try call("object.filter", .null, strings("a")) }
        expectError(.type, "operand 2 must be one of {object, set, array} but got boolean") {
            try call("object.filter", doc, .bool(true))
        }
    }

    // objectunion/*, objectunionn/*.
    @Test func union() throws {
        #expect(try call("object.union", .emptyObject, .emptyObject) == .emptyObject)
        #expect(try call("object.union", try json(#"{"a":{"b":{"c":1}}}"#), try json(#"{"b":2}"#)) == json(#"{"a":{"b":{"c":1}},"b":2}"#))
        #expect(try call("object.union", try json(#"{"a":1}"#), try json(#"{"a":2}"#)) == json(#"{"a":2}"#))
        #expect(try call("object.union", try json(#"{"a":1}"#), try json(#"{"a":{"b":{"c":1}},"d":7}"#)) == json(#"{"a":{"b":{"c":1}},"d":7}"#))
        #expect(
            try call("object.union", try json(#"{"a":{"b":{"c":1}},"e":1}"#), try json(#"{"a":{"b":"foo","b1":"bar"},"d":7,"e":17}"#))
                == json(#"{"a":{"b":"foo","b1":"bar"},"d":7,"e":17}"#))
        #expect(try call("object.union", try json(#"{"a":{"x":1}}"#), try json(#"{"a":{"y":2}}"#)) == json(#"{"a":{"x":1,"y":2}}"#))
        expectError(.type, "operand 1 must be object but got array") { try call("object.union", .array([]), .emptyObject) }
        expectError(.type, "operand 2 must be object but got array") { try call("object.union", .emptyObject, .array([])) }

        #expect(try call("object.union_n", try json("[{}]")) == .emptyObject)
        #expect(try call("object.union_n", try json(#"[{"foo":"bar"},{"foo":"baz"}]"#)) == json(#"{"foo":"baz"}"#))
        #expect(
            try call("object.union_n", try json(#"[{"a":1,"b":2,"c":3},{"foo":"baz","a":"a","b":2,"d":4},{"a":"final A!","e":5.0}]"#))
                == json(#"{"a":"final A!","b":2,"c":3,"d":4,"e":5,"foo":"baz"}"#))
        // "# 5073 regression test": a non-object element is a type error.
        expectError(.type, "operand 1") { try call("object.union_n", try json(#"[{"foo":1},{"bar":2},"baz"]"#)) }
    }

    // subset/*.
    @Test func subset() throws {
        func subset(_ whole: Value, _ sub: Value) throws -> Value? { try call("object.subset", whole, sub) }
        let a = try json(#"{"a":5,"b":7,"c":15,"nested":{"x":10,"y":15,"z":20,"arr1":[6,7,8,9]}}"#)
        let b = try json(#"{"a":5,"nested":{"x":10,"y":15,"arr1":[6,7]}}"#)
        #expect(try subset(a, b) == .bool(true))
        #expect(try subset(b, a) == .bool(false))
        #expect(try subset(try json(#"{"a":5,"b":7}"#), try json(#"{"a":5,"b":10}"#)) == .bool(false))
        let withSet = object((.string("s"), set(.int(1), .int(2), .int(3), .int(4))))
        #expect(try subset(withSet, object((.string("s"), set(.int(4), .int(1))))) == .bool(true))
        #expect(try subset(set(.int(1), .int(2), .int(3)), set(.int(3), .int(2))) == .bool(true))
        #expect(try subset(set(.int(3), .int(2)), set(.int(1), .int(2), .int(3))) == .bool(false))
        #expect(try subset(set(.int(1), strings("a", "b", "c")), set(strings("a", "b", "c"))) == .bool(true))
        #expect(try subset(set(.int(1), strings("a", "b", "c")), set(strings("a", "b"))) == .bool(false))
        let six = try json("[1,2,3,4,5,6]")
        for (sub, expected) in [("[3,4,5]", true), ("[1,2,3]", true), ("[4,5,6]", true), ("[1,2,3,4,5,6]", true),
                                ("[4,5,6,8]", false), ("[8,9,10]", false), ("[1,3]", false), ("[]", true)] {
            #expect(try subset(six, try json(sub)) == .bool(expected), "\(sub)")
        }
        #expect(try subset(try json("[1,2,3]"), six) == .bool(false))
        #expect(try subset(six, set(.int(4), .int(3), .int(2))) == .bool(true))
        #expect(try subset(six, set(.int(9), .int(8), .int(7))) == .bool(false))
        // subset/array and set 1: a set cannot contain an array ("It is invalid operands").
        expectError(.type, "operand 2") { try subset(set(.int(4), .int(3), .int(2)), six) }
        expectError(.type, "operand 1") { try subset(.int(1), .int(1)) }
    }
}

@Suite struct JSONPathBuiltinTests {
    private let doc = #"{"a":{"b":{"c":7,"d":8}},"e":9}"#

    // jsonfilter/*, jsonfilteridempotent.
    @Test func filter() throws {
        func filter(_ doc: String, _ paths: Value) throws -> Value? { try call("json.filter", try json(doc), paths) }
        #expect(try filter(doc, strings("a/b/c")) == json(#"{"a":{"b":{"c":7}}}"#))
        #expect(try filter(doc, strings("a/b/c", "e")) == json(#"{"a":{"b":{"c":7}},"e":9}"#))
        #expect(try filter(doc, try json(#"["a/b/c","e"]"#)) == json(#"{"a":{"b":{"c":7}},"e":9}"#))
        #expect(try filter(#"{"a":{"b":{"c":7,"d":8},"e":9}}"#, strings("a/b/c", "a/e")) == json(#"{"a":{"b":{"c":7},"e":9}}"#))
        #expect(try filter(#"{"a":{"b":7}}"#, strings("a", "a/b")) == json(#"{"a":{"b":7}}"#))
        #expect(try filter(#"{"a":7}"#, .emptySet) == .emptyObject)
        #expect(try filter("{}", strings("a/b")) == .emptyObject)
        #expect(try filter(#"{"a":[{"b":7,"c":8},{"d":9}]}"#, strings("a/0/b", "a/1")) == json(#"{"a":[{"b":7},{"d":9}]}"#))
        #expect(try filter(#"{"a":[{"1":["b","c","d"]},{"x":"y"}]}"#, strings("a/0/1/2")) == json(#"{"a":[{"1":["d"]}]}"#))
        #expect(try filter(doc, set(try json(#"["a","b","c"]"#), try json(#"["e"]"#))) == json(#"{"a":{"b":{"c":7}},"e":9}"#))
        #expect(
            try filter(#"{"a":{"b":{"c":7,"d":8,"x":0}},"e":9}"#, set(.string("a/b/d"), try json(#"["a","b","c"]"#)))
                == json(#"{"a":{"b":{"c":7,"d":8}}}"#))
        #expect(try filter(#"{"a~b":{"c/d":1,"e":2}}"#, strings("/a~0b/c~1d")) == json(#"{"a~b":{"c/d":1}}"#))
    }

    // jsonremove/*, jsonremoveidempotent.
    @Test func remove() throws {
        func remove(_ doc: String, _ paths: Value) throws -> Value? { try call("json.remove", try json(doc), paths) }
        #expect(try remove(doc, strings("a/b/c")) == json(#"{"a":{"b":{"d":8}},"e":9}"#))
        #expect(try remove(doc, strings("a/b/c", "e")) == json(#"{"a":{"b":{"d":8}}}"#))
        #expect(try remove(doc, try json(#"["a/b/c","e"]"#)) == json(#"{"a":{"b":{"d":8}}}"#))
        #expect(try remove(#"{"a":{"b":{"c":7,"d":8},"e":9}}"#, strings("a/b/c", "a/e")) == json(#"{"a":{"b":{"d":8}}}"#))
        #expect(try remove(#"{"a":{"b":7},"c":1}"#, strings("a", "a/b")) == json(#"{"c":1}"#))
        #expect(try remove(#"{"a":7}"#, .emptySet) == json(#"{"a":7}"#))
        #expect(try remove("{}", strings("a/b")) == .emptyObject)
        #expect(try remove(#"{"a":{"b":7},"c":1}"#, strings("a", "c")) == .emptyObject)
        #expect(try remove(#"{"a":{"b":7},"c":1}"#, strings("a/b", "c")) == json(#"{"a":{}}"#))
        #expect(try remove(#"{"a":[{"b":7,"c":8},{"d":9}]}"#, strings("a/0/b", "a/1")) == json(#"{"a":[{"c":8}]}"#))
        #expect(try remove(#"{"a":[{"1":["b","c","d"]},{"x":"y"}]}"#, strings("a/0/1/2")) == json(#"{"a":[{"1":["b","c"]},{"x":"y"}]}"#))
        #expect(try remove(doc, set(try json(#"["a","b","c"]"#), try json(#"["e"]"#))) == json(#"{"a":{"b":{"d":8}}}"#))
        #expect(
            try remove(#"{"a":{"b":{"c":7,"d":8,"x":0}},"e":9}"#, set(.string("a/b/d"), try json(#"["a","b","c"]"#)))
                == json(#"{"a":{"b":{"x":0}},"e":9}"#))
    }

    // jsonremove/error invalid target type *, error invalid paths type *.
    @Test func pathErrors() throws {
        for name in ["json.remove", "json.filter"] {
            expectError(.type, "operand 1 must be object but got string") { try call(name, .string("foo"), strings("a/b/c")) }
            expectError(.type, "operand 1 must be object but got array") { try call(name, try json(#"["a"]"#), strings("a")) }
            expectError(.type, "operand 2 must be one of {set, array} but got object") {
                try call(name, .emptyObject, try json(#"{"y":123}"#))
            }
            let message = "operand 2 must be one of {set, array} containing string paths or array of path segments but got"
            expectError(.type, message + " number") { try call(name, .emptyObject, set(.int(1), .string("a"))) }
            expectError(.type, message + " object") { try call(name, .emptyObject, try json(#"["a", {"x": 1}]"#)) }
        }
    }
}

@Suite struct JSONPatchBuiltinTests {
    private func patch(_ doc: Value, _ operations: String) throws -> Value? {
        try call("json.patch", doc, try json(operations))
    }

    // jsonpatch/json_patch_tests: the RFC 6902 appendix and the json-patch-tests suite, expected results.
    @Test(arguments: [
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"baz":"qux","foo":"bar"}"#),
        (#"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","qux","baz"]}"#),
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
        (#"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#, #"{"baz":"boo","foo":"bar"}"#),
        (#"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#, #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
         #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        (#"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#, #"{"foo":["all","cows","eat","grass"]}"#),
        (#"{"baz":"qux","foo":["a",2,"c"]}"#, #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
         #"{"baz":"qux","foo":["a",2,"c"]}"#),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, #"{"foo":"bar","baz":"qux"}"#),
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":10}]"#, #"{"/":9,"~1":10}"#),
        (#"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, #"{"foo":["bar",["abc","def"]]}"#),
        ("{}", #"[{"op":"add","path":"","value":[]}]"#, "[]"),
        ("[]", #"[{"op":"add","path":"","value":{}}]"#, "{}"),
        ("[]", #"[{"op":"add","path":"/-","value":"hi"}]"#, #"["hi"]"#),
        ("[]", #"[{"op":"add","path":"/0","value":"foo"}]"#, #"["foo"]"#),
        ("{}", #"[{"op":"add","path":"/","value":1}]"#, #"{"":1}"#),
        (#"{"foo":{}}"#, #"[{"op":"add","path":"/foo/","value":1}]"#, #"{"foo":{"":1}}"#),
        (#"{"foo":1}"#, #"[{"op":"add","path":"/0","value":"bar"}]"#, #"{"foo":1,"0":"bar"}"#),
        (#"["foo","sil"]"#, #"[{"op":"add","path":"/2","value":"bar"}]"#, #"["foo","sil","bar"]"#),
        (#"["foo","sil"]"#, #"[{"op":"add","path":"/1","value":["bar","baz"]}]"#, #"["foo",["bar","baz"],"sil"]"#),
        (#"{"1e0":"foo"}"#, #"[{"op":"test","path":"/1e0","value":"foo"}]"#, #"{"1e0":"foo"}"#),
        (#"{"foo":1,"baz":[{"qux":"hello"}]}"#, #"[{"op":"remove","path":"/baz/0/qux"}]"#, #"{"foo":1,"baz":[{}]}"#),
        (#"[""]"#, #"[{"op":"replace","path":"/0","value":null}]"#, "[null]"),
        (#"{"foo":"bar"}"#, #"[{"op":"replace","path":"","value":{"baz":"qux"}}]"#, #"{"baz":"qux"}"#),
        (#""foo""#, #"[{"op":"replace","path":"","value":"bar"}]"#, #""bar""#),
        (#"{"foo":null}"#, #"[{"op":"move","from":"/foo","path":"/bar"}]"#, #"{"bar":null}"#),
        (#"{"foo":null}"#, #"[{"op":"copy","from":"/foo","path":"/bar"}]"#, #"{"foo":null,"bar":null}"#),
        (#"{"foo":null}"#, #"[{"op":"remove","path":"/foo"}]"#, "{}"),
        (#"{"foo":{"foo":1,"bar":2}}"#, #"[{"op":"test","path":"/foo","value":{"bar":2,"foo":1}}]"#, #"{"foo":{"foo":1,"bar":2}}"#),
        (#"{"foo":1}"#, #"[{"op":"test","path":"","value":{"foo":1}}]"#, #"{"foo":1}"#),
        (#"{"":1}"#, #"[{"op":"test","path":"/","value":1}]"#, #"{"":1}"#),
        (#"{"a/b":1,"m~n":8,"k\"l":6}"#, #"[{"op":"test","path":"/a~1b","value":1},{"op":"test","path":"/m~0n","value":8},{"op":"test","path":"/k\"l","value":6}]"#,
         #"{"a/b":1,"m~n":8,"k\"l":6}"#),
        (#"{"foo":1}"#, #"[{"op":"move","from":"/foo","path":"/foo"}]"#, #"{"foo":1}"#),
        (#"{"baz":[{"qux":"hello"}],"bar":1}"#, #"[{"op":"move","from":"/baz/0/qux","path":"/baz/1"}]"#, #"{"baz":[{},"hello"],"bar":1}"#),
        (#"{"baz":[{"qux":"hello"}],"bar":1}"#, #"[{"op":"copy","from":"/baz/0","path":"/boo"}]"#, #"{"baz":[{"qux":"hello"}],"bar":1,"boo":{"qux":"hello"}}"#),
        ("[1,2,[3,[4,5]]]", #"[{"op":"add","path":"/2/1/-","value":{"foo":["bar","baz"]}}]"#, #"[1,2,[3,[4,5,{"foo":["bar","baz"]}]]]"#),
        ("[1,2,3,4]", #"[{"op":"remove","path":"/1"},{"op":"remove","path":"/2"}]"#, "[1,3]"),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/FOO","value":"BAR"}]"#, #"{"foo":"bar","FOO":"BAR"}"#),
        (#"{"foo":1}"#, "[]", #"{"foo":1}"#),
    ])
    func appliesPatches(doc: String, operations: String, expected: String) throws {
        #expect(try patch(try json(doc), operations) == json(expected))
    }

    // jsonpatch/json_patch_tests: cases with an "error" are undefined.
    @Test(arguments: [
        (#"{"q":{"bar":2}}"#, #"[{"op":"add","path":"/a/b","value":1}]"#),
        (#"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#),
        (#"{"foo":"bar"}"#, #"[{"op":"remove","path":"/baz","value":"qux"}]"#),
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":"10"}]"#),
        (#"{"bar":[1,2]}"#, #"[{"op":"add","path":"/bar/8","value":"5"}]"#),
        (#"{"bar":[1,2]}"#, #"[{"op":"add","path":"/bar/-1","value":"5"}]"#),
        (#"["foo","sil"]"#, #"[{"op":"add","path":"/3","value":"bar"}]"#),
        (#"["foo","bar"]"#, #"[{"op":"test","path":"/1e0","value":"bar"}]"#),
        (#"["foo","sil"]"#, #"[{"op":"add","path":"/bar","value":42}]"#),
        (#"{"bar":"baz"}"#, #"[{"op":"replace","path":"/foo/bar","value":false}]"#),
        (#"{"foo":{"bar":[1,2,5,4]}}"#, #"[{"op":"test","path":"/foo","value":[1,2]}]"#),
        (#"{"foo":1,"baz":[{"qux":"hello"}]}"#, #"[{"op":"remove","path":"/baz/1e0/qux"}]"#),
        ("[1,2,3,4]", #"[{"op":"remove","path":"/1e0"}]"#),
        (#"[""]"#, #"[{"op":"replace","path":"/1e0","value":false}]"#),
        (#"{"baz":[1,2,3],"bar":1}"#, #"[{"op":"copy","from":"/baz/1e0","path":"/boo"}]"#),
        (#"{"foo":1,"baz":[1,2,3,4]}"#, #"[{"op":"move","from":"/baz/1e0","path":"/foo"}]"#),
        (#"["foo","sil"]"#, #"[{"op":"add","path":"/1e0","value":"bar"}]"#),
        ("{}", #"[{"op":"add","value":"bar"}]"#),
        ("{}", #"[{"op":"add","path":null,"value":"bar"}]"#),
        ("[1]", #"[{"op":"add","path":"/-"}]"#),
        ("[1]", #"[{"op":"replace","path":"/0"}]"#),
        ("[null]", #"[{"op":"test","path":"/0"}]"#),
        ("[false]", #"[{"op":"test","path":"/0"}]"#),
        ("[1]", #"[{"op":"copy","path":"/-"}]"#),
        (#"{"foo":1}"#, #"[{"op":"copy","from":"/bar","path":"/foo"}]"#),
        (#"{"foo":1}"#, #"[{"op":"move","path":""}]"#),
        (#"{"foo":1}"#, #"[{"op":"move","from":"/bar","path":"/foo"}]"#),
        (#"{"foo":1}"#, #"[{"op":"spam","path":"/foo","value":1}]"#),
        (#"["foo","bar"]"#, #"[{"op":"test","path":"/00","value":"foo"}]"#),
        (#"["foo","bar"]"#, #"[{"op":"test","path":"/01","value":"bar"}]"#),
        (#"{"foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#),
        (#"{"foo":"bar"}"#, #"[{"op":"remove","path":"/missing1/missing2"}]"#),
        (#"["foo","bar"]"#, #"[{"op":"remove","path":"/2"}]"#),
        ("[1,2,3]", #"[{"op":"add","path":"1.2","value":"foo"}]"#),
        (#"{"a":{"b":1}}"#, #"[{"op":"move","from":"/a","path":"/a/c"}]"#),
        (#"{"a":1}"#, #"[1]"#),
    ])
    func failingPatchesAreUndefined(doc: String, operations: String) throws {
        #expect(try patch(try json(doc), operations) == nil)
    }

    // jsonpatch/set-success *, set-failure add-with-mismatched-key-value.
    @Test func patchesSets() throws {
        let doc = object((.string("foo"), strings("a", "b", "c")))
        #expect(try patch(doc, #"[{"op":"remove","path":"foo/b"}]"#)?[.string("foo")] == strings("a", "c"))
        #expect(try patch(doc, #"[{"op":"add","path":"foo/d","value":"d"}]"#)?[.string("foo")] == strings("a", "b", "c", "d"))
        #expect(try patch(doc, #"[{"op":"add","path":"foo/d","value":"e"}]"#) == nil)
        let two = object((.string("foo"), strings("a", "b")), (.string("bar"), strings("c", "d")))
        let moved = try patch(two, #"[{"op":"move","from":"foo/a","path":"bar/a"}]"#)
        #expect(moved?[.string("foo")] == strings("b"))
        #expect(moved?[.string("bar")] == strings("a", "c", "d"))
        // jsonpatch/set-success add-to-nested-array: path [[1], 1] into {[1]}.
        #expect(try patch(set(try json("[1]")), #"[{"op":"add","path":[[1],1],"value":2}]"#) == set(try json("[1,2]")))
    }

    @Test func patchOperandErrors() {
        expectError(.type, "operand 2 must be array but got object") { try call("json.patch", .emptyObject, .emptyObject) }
    }
}

@Suite struct WalkAndGraphBuiltinTests {
    // walkbuiltin/scalar, arrays, objects, sets: pre-order, sorted, set members as their own path segment.
    @Test func walksInPreOrder() throws {
        #expect(try relation("walk", .int(1)) == [try json("[[], 1]")])
        #expect(
            try relation("walk", try json("[1,2,3,4]"))
                == [try json("[[],[1,2,3,4]]"), try json("[[0],1]"), try json("[[1],2]"), try json("[[2],3]"), try json("[[3],4]")])
        #expect(
            try relation("walk", try json(#"{"v2":"goodbye","v1":"hello"}"#))
                == [try json(#"[[],{"v1":"hello","v2":"goodbye"}]"#), try json(#"[["v1"],"hello"]"#), try json(#"[["v2"],"goodbye"]"#)])
        let inner = set(.int(1), .int(2), .int(3))
        #expect(
            try relation("walk", set(inner)) == [
                .array([.array([]), set(inner)]), .array([.array([inner]), inner]),
                .array([.array([inner, .int(1)]), .int(1)]), .array([.array([inner, .int(2)]), .int(2)]),
                .array([.array([inner, .int(3)]), .int(3)]),
            ])
    }

    // walkbuiltin/array path not overwritten: every output keeps its own path.
    @Test func pathsAreIndependent() throws {
        let doc = try json(#"{"a":[{"b":[{"c":[{"aa":"AA"},{"bb":"BB"},{"cc":"CC"},{"dd":"DDD"}]}]}]}"#)
        let leaves = try relation("walk", doc).filter { output in
            if case .array(let pair) = output, case .string(let s) = pair[1] { return s.count == 2 }
            return false
        }
        #expect(leaves == [
            try json(#"[["a",0,"b",0,"c",0,"aa"],"AA"]"#), try json(#"[["a",0,"b",0,"c",1,"bb"],"BB"]"#),
            try json(#"[["a",0,"b",0,"c",2,"cc"],"CC"]"#),
        ])
    }

    // reachable/*.
    @Test func reachable() throws {
        func reachable(_ graph: Value, _ initial: Value) throws -> Value? { try call("graph.reachable", graph, initial) }
        #expect(try reachable(.emptyObject, strings("a")) == .emptySet)
        let cycle = object((.string("a"), strings("b")), (.string("b"), strings("c")), (.string("c"), strings("a")))
        #expect(try reachable(cycle, strings("a")) == strings("a", "b", "c"))
        let components = object(
            (.string("a"), strings("b", "c")), (.string("b"), strings("d")), (.string("c"), strings("d")),
            (.string("d"), .emptySet), (.string("e"), strings("f")), (.string("f"), strings("e")), (.string("x"), strings("x")))
        #expect(try reachable(components, strings("b", "e")) == strings("b", "d", "e", "f"))
        #expect(try reachable(try json(#"{"a":["b"],"b":["c"],"c":["a"]}"#), try json(#"["a"]"#)) == strings("a", "b", "c"))
        #expect(try reachable(try json(#"{"a":null}"#), try json(#"["a"]"#)) == strings("a"))
        expectError(.type, "operand 1 must be object but got number") { try reachable(.int(1), try json("[1]")) }
        expectError(.type, "operand 2") { try reachable(try json(#"{"a":[]}"#), .string("a")) }
    }

    // reachable_paths/*.
    @Test(arguments: [
        ("{}", #"["a"]"#, "[]"),
        (#"{"a":["b"],"b":["c"],"c":["a"]}"#, #"["a"]"#, #"[["a","b","c"]]"#),
        (#"{"a":["b","c"],"b":["d"],"c":["d"],"d":[],"e":["f"],"f":["e"],"x":["x"]}"#, #"["b","e"]"#, #"[["b","d"],["e","f"]]"#),
        (#"{"a":null}"#, #"["a"]"#, #"[["a"]]"#),
        (#"{"a":["b","c"],"b":["c"],"c":[]}"#, #"["a"]"#, #"[["a","b","c"],["a","c"]]"#),
        (#"{"a":["b"],"b":["nonexistent"]}"#, #"["a","b"]"#, #"[["a","b"],["b"]]"#),
        (#"{"one":["two","five"],"two":["four"],"three":[""],"four":["three"],"five":["seven","six"],"six":["nine"],"seven":["eight"],"eight":[""],"nine":[""]}"#,
         #"["one"]"#, #"[["one","five","seven","eight"],["one","five","six","nine"],["one","two","four","three"]]"#),
        (#"{"one":["two","five"],"two":["four"],"three":[""],"four":["three"],"five":["seven","six"],"six":["nine","seven"],"seven":["eight"],"eight":["three"],"nine":[""]}"#,
         #"["one"]"#,
         #"[["one","five","seven","eight","three"],["one","five","six"],["one","five","six","nine"],["one","two","four","three"]]"#),
    ])
    func reachablePaths(graph: String, initial: String, expected: String) throws {
        let result = try call("graph.reachable_paths", try json(graph), try json(initial))
        guard case .array(let paths) = try json(expected) else { return }
        #expect(result == .set(SetValue(paths)))
    }

    @Test func reachablePathsCycle1022WithSets() throws {
        let graph = object(
            (.string("one"), strings("two", "five")), (.string("two"), strings("four")), (.string("three"), strings("")),
            (.string("four"), strings("three")), (.string("five"), strings("seven", "six")), (.string("six"), strings("nine")),
            (.string("seven"), strings("eight")), (.string("eight"), strings("")), (.string("nine"), strings("")))
        let expected = try json(#"[["one","five","seven","eight"],["one","five","six","nine"],["one","two","four","three"]]"#)
        guard case .array(let paths) = expected else { return }
        #expect(try call("graph.reachable_paths", graph, strings("one")) == .set(SetValue(paths)))
        expectError(.type, "operand 1 must be object but got number") {
            try call("graph.reachable_paths", .int(1), try json("[1]"))
        }
    }

    @Test func longChainsDoNotExhaustTheStack() throws {
        let count = 100_000
        let graph = ObjectValue((0..<count).map { (Value.int($0), Value.array($0 + 1 < count ? [.int($0 + 1)] : [])) })
        let paths = try call("graph.reachable_paths", .object(graph), .array([.int(0)]))
        guard case .set(let set)? = paths, case .array(let path)? = set.elements.first else {
            Issue.record("expected one path")
            return
        }
        #expect(set.count == 1)
        #expect(path.count == count)
    }
}
