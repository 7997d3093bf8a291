import HermeticCore

extension DCAPPolicy {
    /// Why the TCB verdict is not accepted, or `nil` when it is.
    public func rejection(of verdict: TCBVerdict) -> String? {
        let advisories = verdict.advisoryIDs.isEmpty ? "" : " (advisories \(verdict.advisoryIDs.joined(separator: ", ")))"
        guard acceptedTCBStatuses.contains(verdict.status) else {
            let accepted = TCBStatus.allCases.filter(acceptedTCBStatuses.contains).map(\.rawValue).joined(separator: ", ")
            return "TCB status \(verdict.status.rawValue)\(advisories) is not accepted (accepted: \(accepted))"
        }
        if let acceptedAdvisoryIDs {
            let unaccepted = verdict.advisoryIDs.filter { !acceptedAdvisoryIDs.contains($0) }
            if !unaccepted.isEmpty {
                return "TCB status \(verdict.status.rawValue) carries advisories not accepted by the policy: \(unaccepted.joined(separator: ", "))"
            }
        }
        return nil
    }

    /// Every field of `quote` this policy does not accept (empty when the quote complies).
    public func violations(of quote: Quote) -> [PolicyViolation] {
        var found: [PolicyViolation] = []
        var values: [Field: [UInt8]] = [:]
        switch quote.body {
        case .td(let report):
            if report.tdAttributes.debug && !allowDebug {
                found.append(PolicyViolation(field: "td_attributes.debug", seen: "true", allowed: "false"))
            }
            values = [
                .mrTD: report.mrTD, .rtmr0: report.rtmrs[0], .rtmr1: report.rtmrs[1], .rtmr2: report.rtmrs[2], .rtmr3: report.rtmrs[3],
                .mrConfigID: report.mrConfigID, .mrOwner: report.mrOwner, .mrOwnerConfig: report.mrOwnerConfig,
                .mrSeam: report.mrSeam, .xfam: report.xfam, .tdAttributes: report.tdAttributes.bytes,
            ]
        case .sgx(let report):
            if report.debug && !allowDebug {
                found.append(PolicyViolation(field: "attributes.debug", seen: "true", allowed: "false"))
            }
            values = [.mrEnclave: report.mrEnclave, .mrSigner: report.mrSigner]
            if let allowedISVProdIDs, !allowedISVProdIDs.contains(report.isvProdID) {
                found.append(PolicyViolation(field: "isv_prod_id", seen: "\(report.isvProdID)", allowed: "one of \(allowedISVProdIDs.map(String.init).joined(separator: ", "))"))
            }
            if let minimumISVSVN, report.isvSVN < minimumISVSVN {
                found.append(PolicyViolation(field: "isv_svn", seen: "\(report.isvSVN)", allowed: ">= \(minimumISVSVN)"))
            }
        }
        for field in Field.allCases {
            guard let allowed = allowedValues[field] else { continue }
            guard let seen = values[field] else {
                found.append(PolicyViolation(field: field.rawValue, seen: "absent from this quote", allowed: Self.oneOf(allowed)))
                continue
            }
            if !allowed.contains(seen) {
                found.append(PolicyViolation(field: field.rawValue, seen: Hex.encode(seen), allowed: Self.oneOf(allowed)))
            }
        }
        return found
    }

    private static func oneOf(_ values: [[UInt8]]) -> String {
        values.count == 1 ? Hex.encode(values[0]) : "one of [" + values.map { Hex.encode($0) }.joined(separator: ", ") + "]"
    }
}
