import Crypto
import Foundation
import HermeticCore
import PKI
import SEVSNP
import _CryptoExtras

/// A fake chip kept in a directory, so that separate processes (a guest's `hermetic kbs attest` and a broker started
/// with the chip's roots as `--snp-collateral`) share one chip. The directory holds the chip's private keys: it is a
/// development fixture, never a secret worth protecting, and a broker trusts it only when told to.
extension FakeSNPChip {
    /// The file holding the chip.
    public static let fileName = "fake-snp-chip.json"
    /// The file holding the ASK and ARK as a PEM chain, the form a broker or `hermetic verify` takes as collateral.
    public static let rootsFileName = "fake-snp-roots.pem"

    /// An error reading a stored chip.
    public struct PersistenceError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Writes the chip, and its roots as a PEM chain, into `directory` (created if needed).
    public func save(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var tcbMembers: [String: JSONValue] = [
            "bootloader": .int(Int64(tcb.bootloader)), "tee": .int(Int64(tcb.tee)), "snp": .int(Int64(tcb.snp)), "microcode": .int(Int64(tcb.microcode)),
        ]
        if let fmc = tcb.fmc { tcbMembers["fmc"] = .int(Int64(fmc)) }
        let document = JSONValue.object([
            "product": .string(product.rawValue), "chip_id": .string(Hex.encode(chipID)), "tcb": .object(tcbMembers),
            "ark": .string(Base64.encode(ark.derBytes)), "ask": .string(Base64.encode(ask.derBytes)), "asvk": .string(Base64.encode(asvk.derBytes)),
            "vcek": .string(Base64.encode(vcek.derBytes)), "vlek": .string(Base64.encode(vlek.derBytes)),
            "ark_key": .string(Base64.encode(Array(arkKey.derRepresentation))),
            "vcek_key": .string(Base64.encode(Array(vcekKey.derRepresentation))), "vlek_key": .string(Base64.encode(Array(vlekKey.derRepresentation))),
        ])
        let url = URL(fileURLWithPath: directory)
        try Data(document.serialized().utf8).write(to: url.appendingPathComponent(Self.fileName), options: .atomic)
        try Data(vcekChainPEM.utf8).write(to: url.appendingPathComponent(Self.rootsFileName), options: .atomic)
    }

    /// Reads the chip saved in `directory`.
    ///
    /// - Throws: ``PersistenceError`` naming the missing or malformed member.
    public static func load(from directory: String) throws -> FakeSNPChip {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
        guard let data = FileManager.default.contents(atPath: path) else { throw PersistenceError(description: "no fake chip at \(path)") }
        guard let document = try? JSONValue(parsing: data) else {
            throw PersistenceError(description: "\(path) is not JSON")
        }
        func bytes(_ name: String) throws -> [UInt8] {
            guard let text = document[name]?.stringValue, let value = Base64.decode(text) else {
                throw PersistenceError(description: "\(path): \(name) is missing or not base64")
            }
            return value
        }
        func level(_ name: String) throws -> UInt8 {
            guard let value = document["tcb"]?[name]?.intValue, let level = UInt8(exactly: value) else {
                throw PersistenceError(description: "\(path): tcb.\(name) is missing or not 0–255")
            }
            return level
        }
        guard let product = document["product"]?.stringValue.flatMap(SNPProduct.init(rawValue:)) else {
            throw PersistenceError(description: "\(path): product is missing or unknown")
        }
        guard let chipID = document["chip_id"]?.stringValue.flatMap { Hex.decode($0) }, chipID.count == 64 else {
            throw PersistenceError(description: "\(path): chip_id is missing or not 64 bytes of hex")
        }
        var tcb = TCBVersion.Components(bootloader: try level("bootloader"), tee: try level("tee"), snp: try level("snp"), microcode: try level("microcode"))
        if document["tcb"]?["fmc"] != nil { tcb.fmc = try level("fmc") }
        do {
            return FakeSNPChip(
                product: product, chipID: chipID, tcb: tcb,
                ark: try X509Certificate(derEncoded: try bytes("ark")), ask: try X509Certificate(derEncoded: try bytes("ask")),
                asvk: try X509Certificate(derEncoded: try bytes("asvk")), vcek: try X509Certificate(derEncoded: try bytes("vcek")),
                vlek: try X509Certificate(derEncoded: try bytes("vlek")),
                arkKey: try _RSA.Signing.PrivateKey(derRepresentation: try bytes("ark_key")),
                vcekKey: try P384.Signing.PrivateKey(derRepresentation: try bytes("vcek_key")),
                vlekKey: try P384.Signing.PrivateKey(derRepresentation: try bytes("vlek_key"))
            )
        } catch let error as PersistenceError {
            throw error
        } catch {
            throw PersistenceError(description: "\(path): a certificate or key does not parse: \(error)")
        }
    }

    /// The chip saved in `directory`, or a new one saved there when the directory holds none.
    public static func loadOrCreate(in directory: String, product: SNPProduct = .milan) throws -> FakeSNPChip {
        if FileManager.default.fileExists(atPath: URL(fileURLWithPath: directory).appendingPathComponent(fileName).path) {
            return try load(from: directory)
        }
        let chip = try FakeSNPChip(product: product)
        try chip.save(to: directory)
        return chip
    }
}
