import Foundation
import InitData
import Testing
@testable import Gate

@Suite struct WireTests {
    @Test func framesRoundTrip() throws {
        let frame = Frame.order(.createContainer, uid: 0x0102_0304_0506_0708, noun: Array(#"{"a":1}"#.utf8))
        let bytes = FrameCodec.encode(frame)
        #expect(bytes.count == Frame.headerSize + 7)
        #expect(Array(bytes[0..<6]) == Array("HGAT".utf8) + [1, 1])
        #expect(Array(bytes[8..<16]) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try FrameCodec.decode(bytes) == frame)
        #expect(try FrameCodec.decode(FrameCodec.encode(.reply(.refusedByState, uid: 9))) == .reply(.refusedByState, uid: 9))
    }

    @Test func badHeadersAreTypedErrors() {
        var bytes = FrameCodec.encode(.poll(uid: 1))
        bytes[0] = UInt8(ascii: "X")
        #expect(throws: WireError.badMagic) { try FrameCodec.decode(bytes) }
        bytes = FrameCodec.encode(.poll(uid: 1))
        bytes[4] = 2
        #expect(throws: WireError.unsupportedVersion(2)) { try FrameCodec.decode(bytes) }
        bytes = FrameCodec.encode(.poll(uid: 1))
        bytes[5] = 9
        #expect(throws: WireError.unknownKind(9)) { try FrameCodec.decode(bytes) }
        let big = FrameCodec.encode(.order(.copyFile, uid: 1, noun: [UInt8](repeating: 0x20, count: 65)))
        #expect(throws: WireError.bodyTooLarge(declared: 65, limit: 64)) {
            try FrameCodec.decode(big, limits: FrameLimits(maximumBody: 64))
        }
        #expect(throws: WireError.truncated(have: 25, need: 26)) {
            try FrameCodec.decode(Array(FrameCodec.encode(.order(.createSandbox, uid: 1, noun: Array("{}{}{}".utf8))).dropLast()))
        }
        #expect(throws: WireError.truncated(have: 3, need: 20)) { try FrameCodec.decode([0x48, 0x47, 0x41]) }
    }

    @Test func everyKataVerbHasItsRuleName() {
        #expect(Verb(name: "CreateContainerRequest") == .createContainer)
        #expect(Verb(name: "ReadStreamRequest") == .readStdout)
        #expect(Verb.readStderr.policyRule == "ReadStreamRequest")
        #expect(Verb.podReady.policyRule == nil)
        #expect(Set(Verb.allCases.map(\.rawValue)).count == Verb.allCases.count)
    }

    @Test func nounSchemaNamesTheProblem() throws {
        let executive = Executive()
        func refusal(_ verb: Verb, _ noun: String) -> Executive.Refusal? {
            do {
                _ = try executive.admit(.order(verb, uid: 1, noun: Array(noun.utf8)))
                return nil
            } catch { return error }
        }
        #expect(refusal(.startContainer, #"{"container_id":"c1"}"#) == nil)
        #expect(refusal(.startContainer, "{}")?.reason == "StartContainer: noun: required field container_id is missing")
        #expect(refusal(.startContainer, #"{"container_id":5}"#)?.status == .malformedNoun)
        #expect(refusal(.startContainer, #"{"container_id":"../etc"}"#)?.reason.contains("container_id must be") == true)
        #expect(refusal(.execProcess, #"{"container_id":"c1","exec_id":"e","process":[]}"#)?.reason
            == "ExecProcess: noun: field process must be object")
        #expect(refusal(.createSandbox, "[1]")?.status == .malformedNoun)
        #expect(refusal(.createSandbox, "{\"a\":")?.status == .malformedNoun)
        #expect(refusal(.createSandbox, String(repeating: "[", count: 2000))?.status == .malformedNoun)
        let unknown = try? executive.admit(Frame(kind: .order, code: 999, uid: 1, body: Array("{}".utf8)))
        #expect(unknown == nil)
    }
}

@Suite struct InitDataTests {
    @Test func writtenInitDataReadsBackAndItsDigestIsTheHashOfTheBytes() throws {
        let policy = "package agent_policy\n\ndefault CreateSandboxRequest := true\n"
        for algorithm in InitDataAlgorithm.allCases {
            let written = try InitData(policy: policy, algorithm: algorithm)
            let read = try InitData(toml: written.text)
            #expect(read.policy == policy)
            #expect(read.algorithm == algorithm)
            #expect(read.digest == written.digest)
        }
        let sha256 = try InitData(policy: policy)
        #expect(sha256.text.hasPrefix("version = \"0.1.0\"\nalgorithm = \"sha256\"\n\n[data]\n\"policy.rego\" = '''\n"))
        // The digest covers the bytes as written: any change to the text changes it.
        let edited = try InitData(toml: sha256.text.replacingOccurrences(of: "\n\n[data]", with: "\n[data]"))
        #expect(edited.policy == policy)
        #expect(edited.digest != sha256.digest)
        #expect(sha256.digest.count == 32)
        #expect(throws: InitDataError.self) { try InitData(policy: "x := '''") }
        #expect(throws: InitDataError.self) { try InitData(toml: "version = \"0.1.0\"\nalgorithm = \"md5\"\n") }
        #expect(throws: InitDataError.self) { try InitData(toml: "version = \"0.1.0\"\nalgorithm = \"sha256\"\n") }
    }
}
