import Foundation
import Testing

/// Admin roles against a `hermetic serve` process whose configuration file sets the role table.
@Suite("hermetic serve: admin roles from the configuration file")
struct AdminRoleCommandTests {
    @Test("the auditor lists and verifies the audit log but cannot add; a configured role gets only what it lists")
    func rolesFromConfiguration() throws {
        let files = try ServeFiles()
        func path(_ name: String) -> String { files.directory.appendingPathComponent(name).path }
        try Data(files.adminPrivateKeyPEM.utf8).write(to: URL(fileURLWithPath: path("admin.pem")))
        try Data("""
            [admin.roles]
            admin = ["*"]
            auditor = ["audit.read", "reference-value.read"]
            ci = ["reference-value.write"]
            """.utf8).write(to: URL(fileURLWithPath: path("hermetic.toml")))
        let server = try ServeProcess(["--config", path("hermetic.toml"), "--store", "sqlite:" + path("kbs.sqlite")] + files.arguments)
        defer { server.stop() }
        let kbs = ["--kbs", server.url.absoluteString, "--admin-key", path("admin.pem")]

        let added = try CLIRun.hermetic(["rv", "add", "--id", "svn", "--value", "[1]", "--admin-role", "ci"] + kbs)
        #expect(added.status == 0, "\(added.stderr)")
        let ciList = try CLIRun.hermetic(["rv", "list", "--admin-role", "ci"] + kbs)
        #expect(ciList.status == 1)
        #expect(ciList.stderr.contains("role \"ci\" lacks the permission reference-value.read"), "\(ciList.stderr)")

        let list = try CLIRun.hermetic(["rv", "list", "--admin-role", "auditor"] + kbs)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.hasPrefix("svn\tvalid"))
        let refused = try CLIRun.hermetic(["rv", "delete", "svn", "--admin-role", "auditor"] + kbs)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("AdminAuthAccess"))
        #expect(refused.stderr.contains("lacks the permission reference-value.write (add and delete reference values)"))

        let audit = try CLIRun.hermetic(["audit", "verify"] + kbs)
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stdout.contains("records: 1"))
        #expect(audit.stdout.contains("chain: intact"))
        let ciAudit = try CLIRun.hermetic(["audit", "verify", "--admin-role", "ci"] + kbs)
        #expect(ciAudit.status == 1)
        #expect(ciAudit.stderr.contains("lacks the permission audit.read"))
        // A default role the configured table does not have.
        let writer = try CLIRun.hermetic(["rv", "list", "--admin-role", "rv-writer"] + kbs)
        #expect(writer.status == 1)
        #expect(writer.stderr.contains("role \"rv-writer\" is not configured (roles: admin, auditor, ci)"))
    }
}
