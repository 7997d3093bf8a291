import Crypto
import HermeticCore

/// A Trustee/Kata init-data document (TOML: `version`, `algorithm`, `[data]`) and its digest.
///
/// The digest is the named hash over the document's bytes exactly as given (Trustee's init-data specification:
/// "the hash algorithm … upon the whole initdata"), so re-encoding the same table gives a different digest. Each
/// platform binds it in its own field: ``snpHostData`` (32 bytes, truncated), ``tdxMRConfigID`` (48 bytes,
/// zero-padded), ``sgxConfigID`` (64 bytes) and, for a TPM, PCR 8 extended once from zero (``pcr8``).
public struct InitData: Sendable, Hashable {
    /// The format version the document declares (`0.1.0` in the specification).
    public let version: String
    /// The hash algorithm the document names.
    public let algorithm: InitDataAlgorithm
    /// The `[data]` table: file names to contents.
    public let data: [String: String]
    /// The document's bytes, as read.
    public let bytes: [UInt8]
    /// The init-data digest: ``algorithm`` over ``bytes``.
    public let digest: [UInt8]

    /// Reads a TOML init-data document from its bytes.
    /// - Throws: ``InitDataError`` naming the field or syntax that is wrong.
    public init(bytes: [UInt8]) throws(InitDataError) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InitDataError(.notText, "init-data is not UTF-8 text")
        }
        let table: [String: TOMLValue]
        do {
            table = try TOMLReader.parse(text)
        } catch {
            throw InitDataError(.invalidTOML, "init-data is not valid TOML: \(error.description)")
        }
        guard let versionValue = table["version"] else {
            throw InitDataError(.missingField, "init-data has no `version`")
        }
        guard let version = versionValue.string else {
            throw InitDataError(.wrongType, "init-data `version` is not a string")
        }
        guard version == "0.1.0" else {
            throw InitDataError(.unsupportedVersion, "init-data version \"\(version.prefix(32))\" is not supported: version must be \"0.1.0\"")
        }
        guard let algorithmValue = table["algorithm"] else {
            throw InitDataError(.missingField, "init-data has no `algorithm`")
        }
        guard let name = algorithmValue.string else {
            throw InitDataError(.wrongType, "init-data `algorithm` is not a string")
        }
        guard let algorithm = InitDataAlgorithm(name: name) else {
            throw InitDataError(.unsupportedAlgorithm, "init-data algorithm \"\(name)\" is not sha256, sha384 or sha512")
        }
        guard let dataValue = table["data"] else {
            throw InitDataError(.missingField, "init-data has no `[data]` table")
        }
        guard let dataTable = dataValue.table else {
            throw InitDataError(.wrongType, "init-data `data` is not a table")
        }
        var data: [String: String] = [:]
        for (key, value) in dataTable {
            guard let string = value.string else {
                throw InitDataError(.wrongType, "init-data `data.\(key)` is not a string")
            }
            data[key] = string
        }
        self.version = version
        self.algorithm = algorithm
        self.data = data
        self.bytes = bytes
        self.digest = algorithm.digest(bytes)
    }

    /// Reads a TOML init-data document from its text.
    /// - Throws: ``InitDataError`` naming the field or syntax that is wrong.
    public init(toml: String) throws(InitDataError) {
        try self.init(bytes: Array(toml.utf8))
    }

    /// The digest fitted to a field of `size` bytes by Trustee's rule: truncated when longer, zero-padded when shorter.
    public func fitted(to size: Int) -> [UInt8] {
        if digest.count >= size { return Array(digest.prefix(size)) }
        return digest + [UInt8](repeating: 0, count: size - digest.count)
    }

    /// The SEV-SNP HOST_DATA the host sets at launch: the digest fitted to 32 bytes.
    public var snpHostData: [UInt8] { fitted(to: 32) }

    /// The TDX MRCONFIGID the host sets at launch: the digest fitted to 48 bytes.
    public var tdxMRConfigID: [UInt8] { fitted(to: 48) }

    /// The SGX CONFIGID: the digest fitted to 64 bytes.
    public var sgxConfigID: [UInt8] { fitted(to: 64) }

    /// PCR 8 of the SHA-256 bank after the attestation agent's one extend: `sha256(0^32 ‖ digest)`.
    ///
    /// The agent extends the SHA-256 bank with the digest itself, so only a `sha256` document can be bound this way.
    /// - Throws: ``InitDataError/Code/unsupportedBinding`` when ``algorithm`` is not SHA-256.
    public func pcr8() throws(InitDataError) -> [UInt8] {
        guard algorithm == .sha256 else {
            throw InitDataError(
                .unsupportedBinding,
                "PCR 8 is extended with a 32-byte SHA-256 digest; this init-data uses \(algorithm.rawValue)"
            )
        }
        return Array(SHA256.hash(data: [UInt8](repeating: 0, count: 32) + digest))
    }

    /// The digest as it would be compared with an evidence field: the bytes for `tee`'s binding
    /// (SNP HOST_DATA, TDX MRCONFIGID, SGX CONFIGID, CCA personalization value), or the digest itself for other TEEs.
    public func binding(for tee: TEE) -> [UInt8] {
        switch tee {
        case .snp: snpHostData
        case .tdx: tdxMRConfigID
        case .sgx: sgxConfigID
        case .cca: fitted(to: 64)
        default: digest
        }
    }
}
