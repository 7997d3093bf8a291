#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// Intel's identity of the quoting enclave (PCS v4 `/qe/identity`, version 2): `QE` for SGX, `TD_QE` for TDX.
public struct QEIdentity: Sendable, Hashable {
    /// The signed document.
    public let signed: SignedJSON
    /// `QE` or `TD_QE`.
    public let id: String
    /// The format version (2).
    public let version: Int
    /// When the document was issued.
    public let issueDate: Date
    /// When the next one is due.
    public let nextUpdate: Date
    /// The TCB evaluation data number.
    public let tcbEvaluationDataNumber: Int
    /// The expected MISCSELECT under the mask.
    public let miscSelect: UInt32
    /// The mask applied to MISCSELECT.
    public let miscSelectMask: UInt32
    /// The expected ATTRIBUTES under the mask.
    public let attributes: [UInt8]
    /// The mask applied to ATTRIBUTES.
    public let attributesMask: [UInt8]
    /// The QE's MRSIGNER.
    public let mrSigner: [UInt8]
    /// The QE's ISVPRODID.
    public let isvProdID: UInt16
    /// The levels by QE ISV SVN, highest first.
    public let levels: [IdentityLevel]

    /// Reads a PCS QE identity response, `{"enclaveIdentity": {...}, "signature": "..."}`.
    ///
    /// - Throws: ``TDXError`` `.malformedCollateral` naming the bad field.
    public init(response: [UInt8]) throws {
        try self.init(signed: try SignedJSON(response: response, key: "enclaveIdentity", what: "QE identity"))
    }

    /// Reads the inner identity object and its signature.
    init(signed: SignedJSON) throws {
        self.signed = signed
        let wire = try CollateralField.decode(Wire.self, from: signed.body, "QE identity")
        id = wire.id
        version = wire.version
        issueDate = try CollateralField.date(wire.issueDate, "QE identity issueDate")
        nextUpdate = try CollateralField.date(wire.nextUpdate, "QE identity nextUpdate")
        tcbEvaluationDataNumber = wire.tcbEvaluationDataNumber
        miscSelect = UInt32(truncatingIfNeeded: try CollateralField.hex(wire.miscselect, bytes: 4, "QE identity miscselect").littleEndianValue)
        miscSelectMask = UInt32(truncatingIfNeeded: try CollateralField.hex(wire.miscselectMask, bytes: 4, "QE identity miscselectMask").littleEndianValue)
        attributes = try CollateralField.hex(wire.attributes, bytes: 16, "QE identity attributes")
        attributesMask = try CollateralField.hex(wire.attributesMask, bytes: 16, "QE identity attributesMask")
        mrSigner = try CollateralField.hex(wire.mrsigner, bytes: 32, "QE identity mrsigner")
        isvProdID = UInt16(clamping: wire.isvprodid)
        levels = try wire.tcbLevels.map { try IdentityLevel($0, "QE identity") }
    }

    private struct Wire: Decodable {
        let id: String
        let version: Int
        let issueDate: String
        let nextUpdate: String
        let tcbEvaluationDataNumber: Int
        let miscselect: String
        let miscselectMask: String
        let attributes: String
        let attributesMask: String
        let mrsigner: String
        let isvprodid: Int
        let tcbLevels: [IdentityLevel.Wire]
    }
}
