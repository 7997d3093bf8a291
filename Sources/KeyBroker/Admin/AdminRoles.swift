/// The role table: which ``AdminPermission``s each admin token role has.
///
/// The defaults (``defaults``): `admin` everything; `resource-writer` resources; `policy-writer` attestation and
/// resource policies (and listing them); `rv-writer` reference values (and reading them); `auditor` the audit log
/// and every listing, nothing that writes. A configured table replaces the defaults whole, so a deployment grants
/// exactly what it writes down.
public struct AdminRoles: Sendable, Hashable {
    /// Role name → its permissions.
    public let permissions: [String: Set<AdminPermission>]

    /// A role table.
    public init(_ permissions: [String: Set<AdminPermission>]) {
        self.permissions = permissions
    }

    /// The default roles.
    public static let defaults = AdminRoles([
        "admin": Set(AdminPermission.allCases),
        "resource-writer": [.resourceWrite],
        "policy-writer": [.policyWrite, .policyRead],
        "rv-writer": [.referenceValueWrite, .referenceValueRead],
        "auditor": [.auditRead, .policyRead, .referenceValueRead],
    ])

    /// Reads a configured table: role name → permission names, `"*"` for all of them.
    /// - Throws: ``KBSError`` `AdminAuthInitialization` naming the role and the unknown permission, or an empty table.
    public init(names table: [String: [String]]) throws {
        guard !table.isEmpty else { throw KBSError(.adminAuthInitialization, "the admin role table is empty: no token could administer anything") }
        var permissions: [String: Set<AdminPermission>] = [:]
        for (role, names) in table {
            guard !role.isEmpty else { throw KBSError(.adminAuthInitialization, "an admin role has an empty name") }
            var granted: Set<AdminPermission> = []
            for name in names {
                if name == "*" {
                    granted.formUnion(AdminPermission.allCases)
                } else if let permission = AdminPermission(rawValue: name) {
                    granted.insert(permission)
                } else {
                    let known = AdminPermission.allCases.map(\.rawValue).joined(separator: ", ")
                    throw KBSError(.adminAuthInitialization, "admin role \(role): unknown permission \"\(name.prefix(64))\" (known: \(known), or \"*\")")
                }
            }
            permissions[role] = granted
        }
        self.init(permissions)
    }

    /// Whether `role` has `permission`.
    public func allows(_ role: String, _ permission: AdminPermission) -> Bool {
        permissions[role]?.contains(permission) ?? false
    }
}
