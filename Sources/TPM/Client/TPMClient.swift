#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TPM 2.0 client with its own command marshaling (Part 3 command layouts), over any ``TPMTransport``.
///
/// Authorization uses the empty password session (TPM_RS_PW), which is what the endorsement and owner
/// hierarchies, PCR 16 and 23, and keys created with empty auth accept.
public struct TPMClient: Sendable {
    /// The transport.
    public let transport: any TPMTransport

    /// Creates a client.
    public init(transport: any TPMTransport) { self.transport = transport }

    /// TPM_RH_OWNER.
    public static let ownerHierarchy: UInt32 = 0x4000_0001
    /// TPM_RH_ENDORSEMENT.
    public static let endorsementHierarchy: UInt32 = 0x4000_000B

    /// A loaded object: its handle, public area and name.
    public struct LoadedKey: Sendable {
        /// The transient or persistent handle.
        public let handle: UInt32
        /// The public area.
        public let publicArea: PublicArea
        /// The name (nameAlg ‖ digest).
        public let name: [UInt8]
    }

    /// The response to TPM2_Quote.
    public struct QuoteResponse: Sendable {
        /// The TPMS_ATTEST bytes.
        public let attest: [UInt8]
        /// The signature.
        public let signature: Signature
    }

    // MARK: Commands

    /// TPM2_Startup(TPM_SU_CLEAR). TPM_RC_INITIALIZE (already started) is not an error.
    public func startup() throws {
        var params = TPMWriter()
        params.u16(0)
        _ = try execute(code: 0x144, name: "TPM2_Startup", params: params.bytes, accepting: [0x100])
    }

    /// TPM2_GetRandom: up to `count` random bytes (the TPM may return fewer than asked).
    public func getRandom(_ count: Int) throws -> [UInt8] {
        var params = TPMWriter()
        params.u16(UInt16(clamping: count))
        var reader = try execute(code: 0x17B, name: "TPM2_GetRandom", params: params.bytes)
        return try reader.sized("randomBytes")
    }

    /// TPM2_PCR_Read: the values of the selection. The TPM returns at most eight digests per call, so the
    /// selection is read in rounds until every selected PCR has a value.
    public func pcrRead(_ selection: PCRSelection) throws -> PCRBanks {
        var values = PCRBanks()
        var pending = selection.banks.flatMap { bank in bank.pcrs.map { (bank.hash, $0) } }
        while !pending.isEmpty {
            var banks: [PCRSelection.Bank] = []
            for (hash, pcr) in pending {
                if let index = banks.firstIndex(where: { $0.hash == hash }) { banks[index] = PCRSelection.Bank(hash: hash, pcrs: banks[index].pcrs + [pcr]) } else {
                    banks.append(PCRSelection.Bank(hash: hash, pcrs: [pcr]))
                }
            }
            var params = TPMWriter()
            PCRSelection(banks).marshal(into: &params)
            var reader = try execute(code: 0x17E, name: "TPM2_PCR_Read", params: params.bytes)
            _ = try reader.u32("pcrUpdateCounter")
            let returned = try PCRSelection(from: &reader)
            let count = try reader.u32("pcrValues.count")
            var digests: [[UInt8]] = []
            for index in 0..<count { digests.append(try reader.sized("pcrValues[\(index)]")) }
            var next = 0
            for bank in returned.banks {
                for pcr in bank.pcrs where next < digests.count {
                    values[bank.hash, pcr] = digests[next]
                    next += 1
                }
            }
            let before = pending.count
            pending.removeAll { values[$0.0, $0.1] != nil }
            guard pending.count < before else {
                throw TPMError(.command, "TPM2_PCR_Read returned none of \(pending.map { "\($0.0):\($0.1)" }.joined(separator: ","))")
            }
        }
        return values
    }

    /// TPM2_PCR_Extend: extends `pcr` in each bank with the given digest.
    public func pcrExtend(_ pcr: Int, digests: [(TPMAlgorithm, [UInt8])]) throws {
        var params = TPMWriter()
        params.u32(UInt32(digests.count))
        for (hash, digest) in digests {
            params.u16(hash.rawValue)
            params.append(digest)
        }
        _ = try execute(code: 0x182, name: "TPM2_PCR_Extend", handles: [UInt32(pcr)], authorized: true, params: params.bytes)
    }

    /// TPM2_CreatePrimary with one of the templates, in a hierarchy (endorsement by default).
    public func createPrimary(_ template: KeyTemplate, hierarchy: UInt32 = endorsementHierarchy) throws -> LoadedKey {
        try createPrimary(publicArea: template.publicArea, hierarchy: hierarchy)
    }

    /// TPM2_CreatePrimary with any marshaled TPMT_PUBLIC template (empty auth).
    public func createPrimary(publicArea template: [UInt8], hierarchy: UInt32 = endorsementHierarchy) throws -> LoadedKey {
        var params = TPMWriter()
        params.append([0x00, 0x04, 0x00, 0x00, 0x00, 0x00])  // TPM2B_SENSITIVE_CREATE: empty userAuth and data
        params.sized(template)
        params.sized([])  // outsideInfo
        params.u32(0)  // creationPCR: none
        var reader = try execute(code: 0x131, name: "TPM2_CreatePrimary", handles: [hierarchy], authorized: true, params: params.bytes, responseHandles: 1)
        let handle = try reader.u32("objectHandle")
        _ = try reader.u32("parameterSize")
        let publicBytes = try reader.sized("outPublic")
        _ = try reader.sized("creationData")
        _ = try reader.sized("creationHash")
        _ = try reader.u16("creationTicket.tag")
        _ = try reader.u32("creationTicket.hierarchy")
        _ = try reader.sized("creationTicket.digest")
        let name = try reader.sized("name")
        return LoadedKey(handle: handle, publicArea: try PublicArea(tpmtPublic: publicBytes), name: name)
    }

    /// TPM2_Quote by `key` over `selection`, with `nonce` as qualifying data, in the key's own scheme.
    public func quote(key: UInt32, nonce: [UInt8], selection: PCRSelection) throws -> QuoteResponse {
        var params = TPMWriter()
        params.sized(nonce)
        params.u16(TPMAlgorithm.null.rawValue)  // inScheme: the key's
        selection.marshal(into: &params)
        var reader = try execute(code: 0x158, name: "TPM2_Quote", handles: [key], authorized: true, params: params.bytes)
        _ = try reader.u32("parameterSize")
        let attest = try reader.sized("quoted")
        let signature = try Signature(from: &reader)
        return QuoteResponse(attest: attest, signature: signature)
    }

    /// TPM2_ReadPublic: an object's public area and name.
    public func readPublic(_ handle: UInt32) throws -> LoadedKey {
        var reader = try execute(code: 0x173, name: "TPM2_ReadPublic", handles: [handle])
        let area = try reader.sized("outPublic")
        let name = try reader.sized("name")
        return LoadedKey(handle: handle, publicArea: try PublicArea(tpmtPublic: area), name: name)
    }

    /// The public part of an NV index (TPMS_NV_PUBLIC).
    public struct NVPublic: Sendable, Hashable {
        /// The index.
        public let index: UInt32
        /// `nameAlg`.
        public let nameAlgorithm: TPMAlgorithm
        /// TPMA_NV.
        public let attributes: UInt32
        /// The data size in bytes.
        public let dataSize: Int
    }

    /// TPM2_NV_ReadPublic.
    public func nvReadPublic(_ index: UInt32) throws -> NVPublic {
        var reader = try execute(code: 0x169, name: "TPM2_NV_ReadPublic", handles: [index])
        let size = try reader.u16("nvPublic.size")
        var inner = TPMReader(try reader.take(Int(size), "nvPublic"))
        let nvIndex = try inner.u32("nvIndex")
        let nameAlgorithm = TPMAlgorithm(rawValue: try inner.u16("nameAlg"))
        let attributes = try inner.u32("attributes")
        _ = try inner.sized("authPolicy")
        let dataSize = Int(try inner.u16("dataSize"))
        return NVPublic(index: nvIndex, nameAlgorithm: nameAlgorithm, attributes: attributes, dataSize: dataSize)
    }

    /// TPM2_NV_Read of the whole index (in chunks of at most 1024 bytes), authorized by the index itself (the EK
    /// certificate indices allow that; others may need the owner).
    public func nvRead(_ index: UInt32, authorization: UInt32? = nil) throws -> [UInt8] {
        let size = try nvReadPublic(index).dataSize
        var data: [UInt8] = []
        while data.count < size {
            let chunk = min(1024, size - data.count)
            var params = TPMWriter()
            params.u16(UInt16(chunk))
            params.u16(UInt16(data.count))
            var reader = try execute(code: 0x14E, name: "TPM2_NV_Read", handles: [authorization ?? index, index], authorized: true, params: params.bytes)
            _ = try reader.u32("parameterSize")
            let bytes = try reader.sized("data")
            guard !bytes.isEmpty else { throw TPMError(.command, "TPM2_NV_Read returned no data at offset \(data.count)") }
            data += bytes
        }
        return data
    }

    /// TPM2_FlushContext: unloads a transient object or session.
    public func flushContext(_ handle: UInt32) throws {
        var params = TPMWriter()
        params.u32(handle)
        _ = try execute(code: 0x165, name: "TPM2_FlushContext", params: params.bytes)
    }

    // MARK: Marshaling

    /// Sends a command and returns a reader positioned after the response header.
    ///
    /// - Parameters:
    ///   - code: the TPM_CC.
    ///   - handles: the command's handles.
    ///   - authorized: whether one empty password session authorizes the first handle (TPM_ST_SESSIONS).
    ///   - sessions: the authorizations, one per handle that needs one, in handle order (overrides `authorized`).
    ///   - params: the marshaled parameters.
    ///   - accepting: response codes other than success that are not errors.
    ///   - responseHandles: how many handles precede the response parameters (their reading is left to the caller).
    func execute(code: UInt32, name: String, handles: [UInt32] = [], authorized: Bool = false, sessions: [SessionAuthorization]? = nil,
                 params: [UInt8] = [], accepting: Set<UInt32> = [], responseHandles: Int = 0) throws -> TPMReader {
        let authorizations = sessions ?? (authorized ? [.password] : [])
        var command = TPMWriter()
        command.u16(authorizations.isEmpty ? 0x8001 : 0x8002)
        var body = TPMWriter()
        body.u32(code)
        for handle in handles { body.u32(handle) }
        if !authorizations.isEmpty {
            var area = TPMWriter()
            for authorization in authorizations { authorization.marshal(into: &area) }
            body.u32(UInt32(area.bytes.count))
            body.append(area.bytes)
        }
        body.append(params)
        command.u32(UInt32(2 + 4 + body.bytes.count))
        command.append(body.bytes)
        var attempt = 0
        while true {
            let response = try transport.transmit(command.bytes)
            var reader = TPMReader(response)
            _ = try reader.u16("response tag")
            let size = try reader.u32("response size")
            guard Int(size) == response.count else {
                throw TPMError(.command, "\(name): response declares \(size) bytes, \(response.count) arrived")
            }
            let rc = try reader.u32("response code")
            // TPM_RC_YIELDED, TPM_RC_TESTING, TPM_RC_RETRY: the TPM asks for the same command again.
            if [0x908, 0x90A, 0x922].contains(rc), attempt < 20 {
                attempt += 1
                usleep(50_000)
                continue
            }
            guard rc == 0 || accepting.contains(rc) else {
                throw TPMError(.command, "\(name) failed: TPM_RC 0x\(String(rc, radix: 16))")
            }
            return reader
        }
    }
}

