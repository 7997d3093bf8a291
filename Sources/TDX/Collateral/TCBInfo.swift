#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// Intel's TCB info (PCS v4 `/tcb`, version 3) for one platform FMSPC: the TCB levels with their statuses, and
/// for TDX the TDX module identities.
public struct TCBInfo: Sendable, Hashable {
    /// One platform TCB level.
    public struct Level: Sendable, Hashable {
        /// The 16 SGX TCB component SVNs the platform must reach.
        public let sgxComponents: [UInt8]
        /// The PCE SVN the platform must reach.
        public let pceSVN: UInt16
        /// The 16 TDX TCB component SVNs the TEE TCB SVN must reach (TDX only).
        public let tdxComponents: [UInt8]?
        /// The level's date.
        public let tcbDate: String
        /// The status of platforms at this level.
        public let status: TCBStatus
        /// The advisories that apply at this level.
        public let advisoryIDs: [String]
    }

    /// A TDX module identity and, for a versioned module (`TDX_01`, `TDX_03`), its ISV SVN levels.
    public struct ModuleIdentity: Sendable, Hashable {
        /// `TDX_%02X` of the module's major version; empty for the base `tdxModule`.
        public let id: String
        /// The expected MRSIGNERSEAM.
        public let mrSigner: [UInt8]
        /// The expected SEAMATTRIBUTES under the mask.
        public let attributes: [UInt8]
        /// The mask applied to SEAMATTRIBUTES.
        public let attributesMask: [UInt8]
        /// The levels by module ISV SVN, highest first.
        public let levels: [IdentityLevel]
    }

    /// The signed document.
    public let signed: SignedJSON
    /// `SGX` or `TDX`.
    public let id: String
    /// The format version (3).
    public let version: Int
    /// When the document was issued.
    public let issueDate: Date
    /// When the next one is due; after it this one is stale.
    public let nextUpdate: Date
    /// The platform it describes.
    public let fmspc: [UInt8]
    /// The PCE ID.
    public let pceID: [UInt8]
    /// The TCB evaluation data number.
    public let tcbEvaluationDataNumber: Int
    /// The base TDX module identity.
    public let tdxModule: ModuleIdentity?
    /// The versioned TDX module identities.
    public let tdxModuleIdentities: [ModuleIdentity]
    /// The platform TCB levels, highest first.
    public let levels: [Level]

    /// Reads a PCS TCB info response, `{"tcbInfo": {...}, "signature": "..."}`.
    ///
    /// - Throws: ``TDXError`` `.malformedCollateral` naming the bad field.
    public init(response: [UInt8]) throws {
        try self.init(signed: try SignedJSON(response: response, key: "tcbInfo", what: "TCB info"))
    }

    /// Reads the inner TCB info object and its signature.
    init(signed: SignedJSON) throws {
        self.signed = signed
        let wire = try CollateralField.decode(Wire.self, from: signed.body, "TCB info")
        guard wire.version == 3 else {
            throw TDXError(.unsupported, "TCB info version \(wire.version); only version 3 is read")
        }
        id = wire.id
        version = wire.version
        issueDate = try CollateralField.date(wire.issueDate, "TCB info issueDate")
        nextUpdate = try CollateralField.date(wire.nextUpdate, "TCB info nextUpdate")
        fmspc = try CollateralField.hex(wire.fmspc, bytes: 6, "TCB info fmspc")
        pceID = try CollateralField.hex(wire.pceId, bytes: 2, "TCB info pceId")
        tcbEvaluationDataNumber = wire.tcbEvaluationDataNumber
        tdxModule = try wire.tdxModule.map { try Self.module($0, id: "") }
        tdxModuleIdentities = try (wire.tdxModuleIdentities ?? []).map { try Self.module($0, id: $0.id ?? "") }
        levels = try wire.tcbLevels.map { level in
            let sgx = level.tcb.sgxtcbcomponents.map { UInt8(clamping: $0.svn) }
            let tdx = level.tcb.tdxtcbcomponents.map { $0.map { UInt8(clamping: $0.svn) } }
            guard sgx.count == 16, tdx.map({ $0.count == 16 }) ?? true else {
                throw TDXError(.malformedCollateral, "TCB info level of \(level.tcbDate) has \(sgx.count) SGX and \(tdx?.count ?? 0) TDX components, expected 16")
            }
            return Level(
                sgxComponents: sgx, pceSVN: UInt16(clamping: level.tcb.pcesvn), tdxComponents: tdx, tcbDate: level.tcbDate,
                status: try CollateralField.status(level.tcbStatus, "TCB info tcbStatus"), advisoryIDs: level.advisoryIDs ?? []
            )
        }
    }

    private static func module(_ wire: Wire.Module, id: String) throws -> ModuleIdentity {
        ModuleIdentity(
            id: id,
            mrSigner: try CollateralField.hex(wire.mrsigner, bytes: 48, "TDX module mrsigner"),
            attributes: try CollateralField.hex(wire.attributes, bytes: 8, "TDX module attributes"),
            attributesMask: try CollateralField.hex(wire.attributesMask, bytes: 8, "TDX module attributesMask"),
            levels: try (wire.tcbLevels ?? []).map { try IdentityLevel($0, "TDX module \(id)") }
        )
    }

    private struct Wire: Decodable {
        struct Component: Decodable { let svn: Int }
        struct TCB: Decodable {
            let sgxtcbcomponents: [Component]
            let pcesvn: Int
            let tdxtcbcomponents: [Component]?
        }
        struct Level: Decodable {
            let tcb: TCB
            let tcbDate: String
            let tcbStatus: String
            let advisoryIDs: [String]?
        }
        struct Module: Decodable {
            let id: String?
            let mrsigner: String
            let attributes: String
            let attributesMask: String
            let tcbLevels: [IdentityLevel.Wire]?
        }
        let id: String
        let version: Int
        let issueDate: String
        let nextUpdate: String
        let fmspc: String
        let pceId: String
        let tcbEvaluationDataNumber: Int
        let tdxModule: Module?
        let tdxModuleIdentities: [Module]?
        let tcbLevels: [Level]
    }
}

/// One ISV SVN level of a QE identity or a TDX module identity.
public struct IdentityLevel: Sendable, Hashable {
    /// The ISV SVN the enclave or module must reach.
    public let isvSVN: UInt16
    /// The level's date.
    public let tcbDate: String
    /// The status at this level.
    public let status: TCBStatus
    /// The advisories that apply at this level.
    public let advisoryIDs: [String]

    struct Wire: Decodable {
        struct TCB: Decodable { let isvsvn: Int }
        let tcb: TCB
        let tcbDate: String
        let tcbStatus: String
        let advisoryIDs: [String]?
    }

    init(_ wire: Wire, _ what: String) throws {
        isvSVN = UInt16(clamping: wire.tcb.isvsvn)
        tcbDate = wire.tcbDate
        status = try CollateralField.status(wire.tcbStatus, "\(what) tcbStatus")
        advisoryIDs = wire.advisoryIDs ?? []
    }
}

extension Array where Element == IdentityLevel {
    /// The first (highest) level whose ISV SVN `svn` reaches.
    func level(for svn: UInt16) -> IdentityLevel? { first { svn >= $0.isvSVN } }
}
