import AzureCVM
import Foundation
import TPM

/// Reading `--evidence` for `--tee tpm`: tpm2-tools' three quote files become Hermetic's quote JSON.
enum TPMEvidenceFiles {
    /// The evidence bytes: for `NAME.msg` (tpm2_quote -m), the quote JSON built from it with `NAME.sig` (-s) and
    /// `NAME.pcrs` (-o) beside it; any other file as it is.
    ///
    /// A plain signature (`tpm2_quote -f plain`) is read with the algorithm of the AK in `collateral`.
    static func read(_ path: String, collateral: [String] = []) throws -> Data? {
        guard path.hasSuffix(".msg") else { return FileManager.default.contents(atPath: path) }
        let stem = String(path.dropLast(4))
        var parts: [[UInt8]] = []
        for file in [path, stem + ".sig", stem + ".pcrs"] {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InputError(description: "tpm: cannot read \(file) (tpm2-tools evidence is NAME.msg with NAME.sig and NAME.pcrs beside it)")
            }
            parts.append([UInt8](data))
        }
        let key = collateral.lazy.compactMap { FileManager.default.contents(atPath: $0) }.compactMap { try? AttestationKey(file: [UInt8]($0)) }.first
        let evidence = try TPMEvidence.tpm2Tools(message: parts[0], signature: parts[1], pcrs: parts[2], key: key)
        return Data(try evidence.hermeticJSON().serialized(pretty: false).utf8)
    }

    /// The evidence bytes for `az-snp-vtpm` and `az-tdx-vtpm`: for `hcl-report.bin`, Trustee's JSON built from it
    /// with `quote.bin` (bincode) and `vcek.pem` (SNP) or `td-quote.bin` (TDX) beside it; any other file as it is.
    static func readAzure(_ path: String) throws -> Data? {
        guard path.hasSuffix("hcl-report.bin") else { return FileManager.default.contents(atPath: path) }
        let directory = (path as NSString).deletingLastPathComponent
        guard let report = FileManager.default.contents(atPath: path),
              let quote = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent("quote.bin")) else {
            throw InputError(description: "az-vtpm: cannot read \(path) and quote.bin beside it")
        }
        let vcek = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent("vcek.pem")).map { [UInt8]($0) }
        let tdQuote = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent("td-quote.bin")).map { [UInt8]($0) }
        let evidence = try AzureVTPMEvidence.raw(hclReport: [UInt8](report), quote: [UInt8](quote), vcek: vcek, tdQuote: tdQuote)
        return Data(evidence.trusteeJSON(hclReportBytes: [UInt8](report)).serialized(pretty: false).utf8)
    }
}
