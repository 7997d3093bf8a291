import Foundation
import HermeticCore
import PKI
import TestSupport
@testable import TDX

/// The TDX and SGX samples under `Tests/Fixtures`, with the collateral and time each is verified at.
struct Sample: Sendable, CustomStringConvertible {
    let name: String
    let quote: String
    let collateral: [String]
    let time: String
    /// The `EXPECTED.json` entry.
    let expected: String

    var description: String { name }

    func quoteBytes() throws -> [UInt8] { try Fixtures.bytes(quote) }
    func date() -> Date { Fixtures.time(time) }
    func collateralPaths() -> [String] { collateral.map { Fixtures.url($0).path } }

    func checked(root: X509Certificate? = nil) throws -> CheckedCollateral {
        try CheckedCollateral(try DCAPCollateral.load(paths: collateralPaths()), root: try root ?? IntelRootCA.bundled())
    }

    static let dcapqvlTDX = Sample(name: "dcapqvl-tdx", quote: "tdx/dcapqvl-tdx/tdx_quote", collateral: ["tdx/dcapqvl-tdx/tdx_quote_collateral.json"],
                                   time: "2025-07-04T10:00:00Z", expected: "tdx/dcapqvl-tdx")
    static let dcapqvlSGX = Sample(name: "dcapqvl-sgx", quote: "sgx/dcapqvl-sgx/sgx_quote", collateral: ["sgx/dcapqvl-sgx/sgx_quote_collateral.json"],
                                   time: "2025-07-04T10:00:00Z", expected: "sgx/dcapqvl-sgx")
    static let sprE4 = Sample(name: "gotdxguest-spr-e4", quote: "tdx/gotdxguest-spr-e4/tdx_prod_quote_SPR_E4.dat", collateral: ["tdx/gotdxguest-spr-e4"],
                              time: "2023-06-28T08:00:00Z", expected: "tdx/gotdxguest-spr-e4")
    static let trustee4 = Sample(name: "trustee tdx_quote_4 (debug)", quote: "tdx/trustee/tdx_quote_4.dat", collateral: ["tdx/gotdxguest-spr-e4"],
                                 time: "2023-06-28T08:00:00Z", expected: "tdx/trustee [tdx_quote_4.dat: DEBUG TD] + gotdxguest 2023 collateral")
    static let trustee5 = Sample(name: "trustee tdx_quote_5 (v5)", quote: "tdx/trustee/tdx_quote_5.dat", collateral: ["tdx/_collateral-tinfoil-2026"],
                                 time: "2026-01-27T15:00:00Z", expected: "tdx/trustee [tdx_quote_5.dat] + tinfoil 2026 collateral")
    static let trustee6 = Sample(name: "trustee tdx_quote_6", quote: "tdx/trustee/tdx_quote_6.dat", collateral: ["tdx/_collateral-tinfoil-2026"],
                                 time: "2026-01-27T16:00:00Z", expected: "tdx/trustee [tdx_quote_6.dat] + trustee tcbInfo.json/enclaveIdentity.json")
    static let quoteV5 = Sample(name: "gotdxguest-quote-v5", quote: "tdx/gotdxguest-quote-v5/quote_v5_sample.dat", collateral: ["tdx/_collateral-tinfoil-2026"],
                                time: "2026-02-04T03:00:00Z", expected: "tdx/gotdxguest-quote-v5 + own tcbinfo v5 + tinfoil QE identity")
    static let quoteV5OwnTCBInfo = Sample(
        name: "gotdxguest-quote-v5 with its own TCB info", quote: "tdx/gotdxguest-quote-v5/quote_v5_sample.dat",
        collateral: ["tdx/_collateral-tinfoil-2026", "tdx/gotdxguest-quote-v5/sample_tcbinfo_response_v5"],
        time: "2026-02-06T15:00:00Z", expected: "tdx/gotdxguest-quote-v5 + own tcbinfo v5 + tinfoil QE identity")

    /// The samples that verify (a status other than UpToDate is accepted by the test's policy).
    static let genuine = [dcapqvlTDX, dcapqvlSGX, trustee6, quoteV5, quoteV5OwnTCBInfo]
    /// Every sample with collateral.
    static let all = genuine + [sprE4, trustee4, trustee5]

    /// The sample's `EXPECTED.json` entry.
    func expectedEntry() throws -> JSONValue {
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(try Fixtures.bytes("tdx/EXPECTED.json")))
        guard let entry = document[expected] else { throw TDXError(.malformedCollateral, "no EXPECTED.json entry \(expected)") }
        return entry
    }
}
