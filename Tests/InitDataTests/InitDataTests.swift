import HermeticCore
import InitData
import TestSupport
import Testing

/// Init-data digests and their platform bindings, on Trustee's own integration-test document and the
/// specification's example. Expected digests were computed with coreutils `sha256sum`/`sha384sum` over the files.
@Suite("Init-data")
struct InitDataTests {
    @Test("Trustee's init-data-with-policy.toml: sha256 over the whole file, and each platform's binding")
    func trusteeDocument() throws {
        let initData = try InitData(bytes: try Fixtures.bytes("initdata/init-data-with-policy.toml"))
        #expect(initData.version == "0.1.0")
        #expect(initData.algorithm == .sha256)
        #expect(initData.data.keys.sorted() == ["policy.rego"])
        #expect(initData.data["policy.rego"]?.contains("package agent_policy") == true)
        let expected = "0deccded0d87ec44702c7330fac3eb936b68dcca5c9f6b5df1fb3480c0b525ac"
        #expect(Hex.encode(initData.digest) == expected)
        #expect(Hex.encode(initData.snpHostData) == expected)
        #expect(Hex.encode(initData.tdxMRConfigID) == expected + String(repeating: "0", count: 32))
        #expect(initData.sgxConfigID.count == 64)
        // python3: sha256(b"\0" * 32 + sha256(file)).hexdigest()
        #expect(Hex.encode(try initData.pcr8()) == "1c625622a76bb04c5989f8b8c3e8ff0412e580004c93ef42961486d49a7b4fcb")
        #expect(initData.binding(for: .snp) == initData.snpHostData)
        #expect(initData.binding(for: .tdx) == initData.tdxMRConfigID)
    }

    @Test("The specification's sha384 example: HOST_DATA truncates, MRCONFIGID is the whole digest, no PCR 8")
    func sha384Document() throws {
        let initData = try InitData(bytes: try Fixtures.bytes("initdata/spec-example-sha384.toml"))
        let expected = "c4a753c59b27454170c1a530881bb3e71ab4ae539a4a6cf88914d8895e7506c500f69f8b6cdf226a54acad366eab6927"
        #expect(initData.algorithm == .sha384)
        #expect(initData.data == ["key1": "value1", "key2": "value2"])
        #expect(Hex.encode(initData.digest) == expected)
        #expect(Hex.encode(initData.tdxMRConfigID) == expected)
        #expect(Hex.encode(initData.snpHostData) == String(expected.prefix(64)))
        #expect(throws: InitDataError.self) { try initData.pcr8() }
        do {
            _ = try initData.pcr8()
        } catch {
            #expect(error.code == .unsupportedBinding)
        }
    }

    @Test("One changed byte changes the digest")
    func digestCoversEveryByte() throws {
        var bytes = try Fixtures.bytes("initdata/spec-example-sha384.toml")
        let original = try InitData(bytes: bytes).digest
        if let index = bytes.lastIndex(of: UInt8(ascii: "2")) { bytes[index] = UInt8(ascii: "3") }
        #expect(try InitData(bytes: bytes).digest != original)
    }

    @Test(
        "Bad documents give a typed error naming the problem",
        arguments: [
            ("version = \"0.1.0\"\n[data]\n", InitDataError.Code.missingField, "algorithm"),
            ("algorithm = \"sha256\"\n[data]\n", .missingField, "version"),
            ("algorithm = \"sha256\"\nversion = \"0.1.0\"\n", .missingField, "data"),
            ("algorithm = \"md5\"\nversion = \"0.1.0\"\n[data]\n", .unsupportedAlgorithm, "md5"),
            ("algorithm = 256\nversion = \"0.1.0\"\n[data]\n", .wrongType, "algorithm"),
            ("algorithm = \"sha256\"\nversion = \"0.1.0\"\ndata = \"x\"\n", .wrongType, "data"),
            ("algorithm = \"sha256\"\nversion = \"0.1.0\"\n[data]\n\"a\" = 1\n", .wrongType, "data.a"),
            ("algorithm = \"sha256\"\nversion = [\n", .invalidTOML, "TOML"),
        ]
    )
    func rejects(document: String, code: InitDataError.Code, mentions: String) {
        do {
            _ = try InitData(toml: document)
            Issue.record("accepted \(document)")
        } catch {
            #expect(error.code == code)
            #expect(error.kind == .malformed)
            #expect(error.description.contains(mentions))
        }
    }

    @Test("Bytes that are not UTF-8 are refused")
    func notText() {
        #expect(throws: InitDataError(.notText, "init-data is not UTF-8 text")) { try InitData(bytes: [0xff, 0xfe, 0x00]) }
    }

    @Test("IANA and Kata spellings of the algorithm")
    func algorithmNames() {
        #expect(InitDataAlgorithm(name: "SHA-384") == .sha384)
        #expect(InitDataAlgorithm(name: "sha512") == .sha512)
        #expect(InitDataAlgorithm(name: "sha1") == nil)
    }
}
