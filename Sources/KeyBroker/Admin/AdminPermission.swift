/// What an admin endpoint group lets a token do. A role (the admin token's `role` claim) maps to a set of these
/// through ``AdminRoles``.
public enum AdminPermission: String, Sendable, Hashable, CaseIterable, Comparable {
    /// `POST`, `PUT` and `DELETE /kbs/v0/resource/<repo>/<type>/<tag>`.
    case resourceWrite = "resource.write"
    /// `POST /kbs/v0/attestation-policy` and `POST /kbs/v0/resource-policy`.
    case policyWrite = "policy.write"
    /// `GET /kbs/v0/resource-policy`.
    case policyRead = "policy.read"
    /// `POST` and `DELETE /kbs/v0/reference-value[/<id>]`.
    case referenceValueWrite = "reference-value.write"
    /// `GET /kbs/v0/reference-value[/<id>]`.
    case referenceValueRead = "reference-value.read"
    /// `GET /kbs/v0/audit-log`.
    case auditRead = "audit.read"

    /// What the permission covers, for error messages and documentation.
    public var summary: String {
        switch self {
        case .resourceWrite: "set and delete resources"
        case .policyWrite: "set attestation and resource policies"
        case .policyRead: "list resource policies"
        case .referenceValueWrite: "add and delete reference values"
        case .referenceValueRead: "list and read reference values"
        case .auditRead: "read the audit log"
        }
    }

    public static func < (lhs: AdminPermission, rhs: AdminPermission) -> Bool { lhs.rawValue < rhs.rawValue }
}
