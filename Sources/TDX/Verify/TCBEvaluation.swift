import HermeticCore

/// The TCB status algorithm of Intel's Quote Verification Library: the platform level, the TDX module identity,
/// and the QE identity, each matched against the collateral.
enum TCBEvaluation {
    /// The first (highest) TCB level the platform reaches: every SGX component SVN and the PCESVN of the PCK, and
    /// for TDX every TDX component of the TEE TCB SVN (its first two bytes, the module's SVN and version, are
    /// skipped when the module is versioned and the TCB info lists module identities).
    static func platformLevel(quote: Quote, pck: PCKExtensions, tcbInfo: TCBInfo) throws -> TCBInfo.Level {
        let teeTCBSVN = quote.tdReport?.teeTCBSVN
        let skip = (teeTCBSVN.map { $0[1] > 0 } ?? false) && !tcbInfo.tdxModuleIdentities.isEmpty ? 2 : 0
        let level = tcbInfo.levels.first { level in
            guard zip(pck.componentSVNs, level.sgxComponents).allSatisfy({ $0 >= $1 }), pck.pceSVN >= level.pceSVN else { return false }
            guard let teeTCBSVN else { return true }
            guard let tdx = level.tdxComponents else { return false }
            return zip(teeTCBSVN, tdx).dropFirst(skip).allSatisfy { $0 >= $1 }
        }
        guard let level else {
            var platform = "SGX components \(pck.componentSVNs.map(String.init).joined(separator: ",")), PCESVN \(pck.pceSVN)"
            if let teeTCBSVN { platform += ", TEE TCB SVN \(Hex.encode(teeTCBSVN))" }
            throw TDXError(.tcbLevel, "no TCB level of the TCB info for FMSPC \(Hex.encode(tcbInfo.fmspc)) matches the platform (\(platform)): its TCB is not supported")
        }
        return level
    }

    /// The TDX module's identity checked against the TCB info, and its level when the module is versioned
    /// (`TDX_%02X` of TEE_TCB_SVN[1]); `nil` for SGX quotes and unversioned modules.
    static func moduleLevel(quote: Quote, tcbInfo: TCBInfo) throws -> IdentityLevel? {
        guard let report = quote.tdReport else { return nil }
        let version = report.teeTCBSVN[1]
        var identity = tcbInfo.tdxModule
        if version > 0, !tcbInfo.tdxModuleIdentities.isEmpty {
            let id = "TDX_" + Hex.encode([version]).uppercased()
            guard let versioned = tcbInfo.tdxModuleIdentities.first(where: { $0.id.uppercased() == id }) else {
                throw TDXError(.tdxModule, "TCB info for FMSPC \(Hex.encode(tcbInfo.fmspc)) has no TDX module identity \(id) (has \(tcbInfo.tdxModuleIdentities.map(\.id).joined(separator: ", ")))")
            }
            identity = versioned
        }
        guard let identity else {
            throw TDXError(.tdxModule, "TCB info for FMSPC \(Hex.encode(tcbInfo.fmspc)) has no TDX module identity")
        }
        let name = identity.id.isEmpty ? "tdxModule" : identity.id
        guard report.mrSignerSeam == identity.mrSigner else {
            throw TDXError(.tdxModule, "MRSIGNERSEAM \(Hex.encode(report.mrSignerSeam)) differs from \(name)'s \(Hex.encode(identity.mrSigner))")
        }
        for index in 0..<8 where report.seamAttributes[index] & identity.attributesMask[index] != identity.attributes[index] & identity.attributesMask[index] {
            throw TDXError(.tdxModule, "SEAMATTRIBUTES \(Hex.encode(report.seamAttributes)) differ from \(name)'s \(Hex.encode(identity.attributes)) under mask \(Hex.encode(identity.attributesMask))")
        }
        guard !identity.levels.isEmpty else { return nil }
        guard let level = identity.levels.level(for: UInt16(report.teeTCBSVN[0])) else {
            throw TDXError(.tcbLevel, "TDX module \(name) SVN \(report.teeTCBSVN[0]) is below every level of its identity: its TCB is not supported")
        }
        return level
    }

    /// The QE report checked against the QE identity, and the QE's level.
    static func qeLevel(_ report: EnclaveReportBody, identity: QEIdentity) throws -> IdentityLevel {
        guard report.mrSigner == identity.mrSigner else {
            throw TDXError(.qeIdentity, "QE MRSIGNER \(Hex.encode(report.mrSigner)) differs from the QE identity's \(Hex.encode(identity.mrSigner))")
        }
        guard report.isvProdID == identity.isvProdID else {
            throw TDXError(.qeIdentity, "QE ISVPRODID \(report.isvProdID) differs from the QE identity's \(identity.isvProdID)")
        }
        guard report.miscSelect & identity.miscSelectMask == identity.miscSelect & identity.miscSelectMask else {
            throw TDXError(.qeIdentity, "QE MISCSELECT \(String(report.miscSelect, radix: 16)) differs from the QE identity's under its mask")
        }
        for index in 0..<16 where report.attributes[index] & identity.attributesMask[index] != identity.attributes[index] & identity.attributesMask[index] {
            throw TDXError(.qeIdentity, "QE ATTRIBUTES \(Hex.encode(report.attributes)) differ from the QE identity's \(Hex.encode(identity.attributes)) under mask \(Hex.encode(identity.attributesMask))")
        }
        guard let level = identity.levels.level(for: report.isvSVN) else {
            throw TDXError(.tcbLevel, "QE ISVSVN \(report.isvSVN) is below every level of the QE identity: its TCB is not supported")
        }
        return level
    }
}
