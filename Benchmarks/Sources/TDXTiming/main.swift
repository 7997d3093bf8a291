import Foundation
import TDX

// The peer script's timer (Benchmarks/peers/dcapqvl_compare.py): loads and checks the collateral once, verifies the
// quote many times in-process, and prints the status and the median time per quote as JSON.
//
//     TDXTiming --tee tdx --evidence Q --collateral C [--collateral C2] --at T [--policy P] [--repeat N]

var arguments = CommandLine.arguments.dropFirst()
var tee = "tdx", evidence = "", at = "", policyPath: String?, repeatCount = 2000
var collateralPaths: [String] = []
while let flag = arguments.popFirst() {
    let value = arguments.popFirst() ?? ""
    switch flag {
    case "--tee": tee = value
    case "--evidence": evidence = value
    case "--collateral": collateralPaths.append(value)
    case "--at": at = value
    case "--policy": policyPath = value
    case "--repeat": repeatCount = Int(value) ?? repeatCount
    default: FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8)); exit(2)
    }
}

func emit(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}

do {
    guard let time = ISO8601DateFormatter().date(from: at), let quote = FileManager.default.contents(atPath: evidence) else {
        emit(["error": "need --evidence FILE and --at RFC3339"])
        exit(2)
    }
    var policy = DCAPPolicy()
    if let policyPath, let text = try? String(contentsOfFile: policyPath, encoding: .utf8) { policy = try DCAPPolicy(yaml: text) }
    let collateral = try CheckedCollateral(try DCAPCollateral.load(paths: collateralPaths), root: try IntelRootCA.bundled())
    let verifier = DCAPVerifier()
    let options = DCAPVerificationOptions(time: time, policy: policy)
    let bytes = [UInt8](quote)
    var status = ""
    do {
        status = try verifier.verify(try QuoteEvidence.parse(bytes), tee: tee, collateral: collateral, options: options).quote.verdict.status.rawValue
    } catch {
        status = "rejected: \(error)"
    }
    var samples: [Double] = []
    for _ in 0..<repeatCount {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try? verifier.verify(try QuoteEvidence.parse(bytes), tee: tee, collateral: collateral, options: options)
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
    }
    samples.sort()
    emit(["status": status, "p50_us": (samples[samples.count / 2] * 10).rounded() / 10, "repeat": repeatCount])
} catch {
    emit(["error": "\(error)"])
    exit(2)
}
