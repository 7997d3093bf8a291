import HermeticCore

/// Qualified names (Part 1, 16): QN(B) = nameAlg_B ‖ H_nameAlg_B(QN(A) ‖ Name(B)) for an object B under parent A,
/// where a hierarchy's QN is its handle. TPMS_ATTEST.qualifiedSigner is the signing key's QN, so a verifier that
/// has the AK's public area (and its parent's, for a non-primary AK) can check which key in which hierarchy signed.
public enum QualifiedName {
    /// The hierarchies a primary key can be created in, with their handles.
    public static let hierarchies: [(name: String, handle: UInt32)] = [
        ("endorsement", 0x4000_000B), ("owner", 0x4000_0001), ("platform", 0x4000_000C), ("null", 0x4000_0007),
    ]

    /// The QN of `area` under a parent whose QN is `parent` (four handle bytes for a hierarchy).
    public static func of(_ area: PublicArea, parent: [UInt8]) throws -> [UInt8] {
        var writer = TPMWriter()
        writer.u16(area.nameAlgorithm.rawValue)
        writer.append(try area.nameAlgorithm.hash(parent + (try area.name())))
        return writer.bytes
    }

    /// The QN of `area` as a primary key in the hierarchy `handle`.
    public static func primary(_ area: PublicArea, hierarchy handle: UInt32) throws -> [UInt8] {
        var writer = TPMWriter()
        writer.u32(handle)
        return try of(area, parent: writer.bytes)
    }

    /// Checks `signer` (a quote's qualifiedSigner) against the AK as a primary in each hierarchy, and as the child
    /// of each of `parents` taken as primaries.
    ///
    /// - Throws: ``TPMError`` (`qualified_signer`) saying which names were expected.
    public static func check(_ signer: [UInt8], key area: PublicArea, parents: [PublicArea]) throws {
        var candidates: [[UInt8]] = []
        for hierarchy in hierarchies {
            candidates.append(try primary(area, hierarchy: hierarchy.handle))
            for parent in parents { candidates.append(try of(area, parent: try primary(parent, hierarchy: hierarchy.handle))) }
        }
        guard !candidates.contains(signer) else { return }
        let hint = parents.isEmpty
            ? "; an AK created under a parent key (tpm2_createak -C EK) needs the parent's TPM2B_PUBLIC as collateral"
            : " nor under any of the \(parents.count) parent key(s) given"
        throw TPMError(.qualifiedSigner, """
            qualifiedSigner \(Hex.encode(signer)) is not the AK's qualified name as a primary in the endorsement, owner, platform or null \
            hierarchy (endorsement: \(Hex.encode(candidates[0])))\(hint)
            """)
    }
}
