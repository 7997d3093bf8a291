import Foundation
import OCI
import OCIURLSession
import OCIHTTPClient
import TestSupport
import Testing

/// A CA and a server certificate for 127.0.0.1 made with openssl for one test.
struct TestRegistryPKI {
    let caFile: String
    let certificateFile: String
    let keyFile: String

    init(in scratch: Scratch, name: String = "ca") throws {
        guard let openssl = Peer.openssl else { throw OCIError(.io, "openssl is missing") }
        let directory = scratch.path + "/" + name
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        caFile = directory + "/ca.pem"
        certificateFile = directory + "/server.pem"
        keyFile = directory + "/server.key"
        let extensions = try scratch.file("\(name)-server.ext", """
            subjectAltName = IP:127.0.0.1
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = serverAuth
            """)
        for arguments in [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", directory + "/ca.key", "-out", caFile,
             "-days", "2", "-subj", "/CN=Hermetic test registry CA \(name)", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyFile, "-out", directory + "/server.csr",
             "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", directory + "/server.csr", "-CA", caFile, "-CAkey", directory + "/ca.key", "-CAcreateserial",
             "-out", certificateFile, "-days", "2", "-extfile", extensions],
        ] {
            let result = try Peer.run(openssl, arguments)
            guard result.status == 0 else { throw OCIError(.io, "openssl \(arguments[0]) failed: \(result.output)") }
        }
    }
}

/// docker-registry serving HTTPS with a certificate from ``TestRegistryPKI``.
final class TLSLoopbackRegistry: @unchecked Sendable {
    let process = Process()
    let host: String

    init(in scratch: Scratch, pki: TestRegistryPKI) async throws {
        let port = Int.random(in: 20_000...50_000)
        host = "127.0.0.1:\(port)"
        let config = try scratch.file("registry-tls.yml", """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(scratch.path)/registry-tls-data
            http:
              addr: \(host)
              tls:
                certificate: \(pki.certificateFile)
                key: \(pki.keyFile)
            """)
        process.executableURL = URL(fileURLWithPath: Peer.find("docker-registry") ?? "/usr/bin/docker-registry")
        process.arguments = ["serve", config]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when the API root answers over verified TLS.
        let ready = try await TLSRegistryTransport.withTransport(caFiles: [pki.caFile]) { transport in
            for _ in 0..<100 {
                if let url = URL(string: "https://\(host)/v2/"), (try? await transport.send(RegistryRequest(method: "GET", url: url)))?.status == 200 { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        guard ready else {
            process.terminate()
            throw OCIError(.io, "docker-registry did not answer over TLS on \(host)")
        }
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}

@Suite("Registry client over TLS with an operator-given CA",
       .enabled(if: Peer.find("docker-registry") != nil && Peer.openssl != nil, "skipped: docker-registry or openssl is missing (.ci/run installs both)"))
struct TLSRegistryTests {
    @Test("push and pull with --ca-file's root; refused without it or with another CA; the CLI and skopeo agree")
    func trustedByGivenRoot() async throws {
        let scratch = try Scratch()
        let pki = try TestRegistryPKI(in: scratch)
        let registry = try await TLSLoopbackRegistry(in: scratch, pki: pki)
        let layers = try TestImage.make(at: scratch.path + "/img", layerSizes: [30_000, 2_000_000])
        let reference = try ImageReference(parsing: "\(registry.host)/hermetic/tls:v1")
        let pushed = try ImageLayout(opening: scratch.path + "/img").resolve(tag: "latest")

        let pulled = try await TLSRegistryTransport.withTransport(caFiles: [pki.caFile]) { transport in
            let client = RegistryClient(transport: transport)
            try await client.push(from: LayoutReference(directory: scratch.path + "/img", tag: "latest"), to: reference)
            return try await client.pull(reference, into: LayoutReference(directory: scratch.path + "/pulled", tag: nil))
        }
        #expect(pulled.digest == pushed.digest)
        #expect(try TestImage.manifest(at: scratch.path + "/pulled", tag: "v1").layers == layers)

        // The system roots alone (both transports), and another CA: the certificate is not trusted; nothing written.
        let untrusted = await #expect(throws: OCIError.self) {
            try await TLSRegistryTransport.withTransport(caFiles: []) { transport in
                try await RegistryClient(transport: transport).pull(reference, into: LayoutReference(directory: scratch.path + "/no-ca", tag: nil))
            }
        }
        #expect(untrusted?.message.contains("TLS with 127.0.0.1") == true, "\(untrusted?.message ?? "")")
        await #expect(throws: OCIError.self) {
            try await RegistryClient(transport: URLSessionRegistryTransport()).pull(reference, into: LayoutReference(directory: scratch.path + "/urlsession", tag: nil))
        }
        let other = try TestRegistryPKI(in: scratch, name: "other")
        await #expect(throws: OCIError.self) {
            try await TLSRegistryTransport.withTransport(caFiles: [other.caFile]) { transport in
                try await RegistryClient(transport: transport).pull(reference, into: LayoutReference(directory: scratch.path + "/other-ca", tag: nil))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/no-ca"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/other-ca"))
        #expect(throws: OCIError.self) { try TLSRegistryTransport(caFiles: [pki.keyFile]) }

        // The CLI: --ca-file pulls; without it the untrusted certificate is named (exit 2); never with --plain-http.
        let hermetic = Fixtures.productsDirectory.appendingPathComponent("hermetic").path
        let cli = try Peer.run(hermetic, ["image", "pull", "--ca-file", pki.caFile, "\(registry.host)/hermetic/tls:v1", "oci:\(scratch.path)/cli:v1"])
        #expect(cli.status == 0, "\(cli.output)")
        #expect(cli.output.contains(pushed.digest))
        let push = try Peer.run(hermetic, ["image", "push", "--ca-file", pki.caFile, "oci:\(scratch.path)/img:latest", "\(registry.host)/hermetic/tls:v2"])
        #expect(push.status == 0, "\(push.output)")
        let refused = try Peer.run(hermetic, ["image", "pull", "--ca-file", other.caFile, "\(registry.host)/hermetic/tls:v1", "oci:\(scratch.path)/cli-refused"])
        #expect(refused.status == 2)
        #expect(refused.output.contains("not trusted"), "\(refused.output)")
        let mixed = try Peer.run(hermetic, ["image", "pull", "--plain-http", "--ca-file", pki.caFile, "\(registry.host)/hermetic/tls:v1", "oci:\(scratch.path)/mixed"])
        #expect(mixed.status == 2)

        // skopeo, trusting the same CA, reads what Hermetic pushed over TLS.
        if let skopeo = Peer.skopeo {
            let certs = scratch.path + "/skopeo-certs"
            try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: pki.caFile, toPath: certs + "/ca.crt")
            let raw = try Peer.run(skopeo, ["inspect", "--raw", "--cert-dir", certs, "docker://\(registry.host)/hermetic/tls:v2"])
            #expect(raw.status == 0, "\(raw.output)")
            #expect(Digest(of: Array(raw.output.utf8)).description == pushed.digest)
        }
    }
}
