import HermeticCore

/// The URL scheme of the AMD Key Distribution Service (KDS interface specification): pure functions that build
/// and parse the URLs, so a fetcher — real, offline or fake — can answer them.
public enum AMDKDS {
    /// The public KDS.
    public static let defaultBaseURL = "https://kdsintf.amd.com"

    /// What a VCEK request asks for.
    public struct VCEKRequest: Sendable, Hashable {
        /// The product line.
        public var product: SNPProduct
        /// The hardware ID (chip ID; its first 8 bytes on Turin).
        public var hardwareID: [UInt8]
        /// The TCB the VCEK is derived for.
        public var tcb: TCBVersion.Components

        /// Creates a request.
        public init(product: SNPProduct, hardwareID: [UInt8], tcb: TCBVersion.Components) {
            self.product = product
            self.hardwareID = hardwareID
            self.tcb = tcb
        }

        /// The request for the VCEK that signed a report: the report's chip ID (shortened on Turin) and reported TCB.
        public init(report: AttestationReport, product: SNPProduct) {
            self.init(
                product: product,
                hardwareID: Array(report.chipID.prefix(product.hardwareIDLength)),
                tcb: report.reportedTCB.components(product.tcbLayout)
            )
        }

        /// The TCB query (`fmcSPL` first on Turin), two digits at least, as AMD's and Trustee's clients send it.
        var query: String {
            var parts: [String] = []
            if let fmc = tcb.fmc { parts.append("fmcSPL=" + Self.level(fmc)) }
            parts.append("blSPL=" + Self.level(tcb.bootloader))
            parts.append("teeSPL=" + Self.level(tcb.tee))
            parts.append("snpSPL=" + Self.level(tcb.snp))
            parts.append("ucodeSPL=" + Self.level(tcb.microcode))
            return parts.joined(separator: "&")
        }

        static func level(_ value: UInt8) -> String { value < 10 ? "0\(value)" : "\(value)" }
    }

    /// `GET {base}/vcek/v1/{product}/{hwid}?[fmcSPL=..&]blSPL=..&teeSPL=..&snpSPL=..&ucodeSPL=..`
    public static func vcekURL(_ request: VCEKRequest, baseURL: String = defaultBaseURL) -> String {
        "\(baseURL)/vcek/v1/\(request.product.rawValue)/\(Hex.encode(request.hardwareID))?\(request.query)"
    }

    /// `GET {base}/{vcek|vlek}/v1/{product}/cert_chain`: the ASK (or ASVK) and ARK as PEM.
    public static func certificateChainURL(product: SNPProduct, kind: EndorsementKey.Kind, baseURL: String = defaultBaseURL) -> String {
        "\(baseURL)/\(kind == .vcek ? "vcek" : "vlek")/v1/\(product.rawValue)/cert_chain"
    }

    /// `GET {base}/{vcek|vlek}/v1/{product}/crl`: the ARK's CRL as DER.
    public static func crlURL(product: SNPProduct, kind: EndorsementKey.Kind, baseURL: String = defaultBaseURL) -> String {
        "\(baseURL)/\(kind == .vcek ? "vcek" : "vlek")/v1/\(product.rawValue)/crl"
    }

    /// Parses a VCEK URL built by ``vcekURL(_:baseURL:)`` (any base URL); `nil` when it is not one.
    public static func parseVCEKURL(_ url: String) -> VCEKRequest? {
        guard let range = url.firstRange(of: "/vcek/v1/") else { return nil }
        let rest = url[range.upperBound...]
        let pathAndQuery = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard pathAndQuery.count == 2 else { return nil }
        let path = pathAndQuery[0].split(separator: "/")
        guard path.count == 2, let product = SNPProduct(rawValue: String(path[0])),
              let hardwareID = Hex.decode(path[1]), hardwareID.count == product.hardwareIDLength
        else { return nil }
        var levels: [String: UInt8] = [:]
        for pair in pathAndQuery[1].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let value = UInt8(kv[1]) else { return nil }
            levels[String(kv[0])] = value
        }
        guard let bl = levels["blSPL"], let tee = levels["teeSPL"], let snp = levels["snpSPL"], let ucode = levels["ucodeSPL"] else {
            return nil
        }
        let fmc = levels["fmcSPL"]
        guard (product == .turin) == (fmc != nil) else { return nil }
        return VCEKRequest(
            product: product, hardwareID: hardwareID,
            tcb: TCBVersion.Components(fmc: fmc, bootloader: bl, tee: tee, snp: snp, microcode: ucode)
        )
    }
}
