import Crypto
import Foundation
import GuestAttester
import HermeticCore
import KBSClient

/// The first slice of a pod (issue 10): what the agent does when `/init` starts it with `pod`. It reads the
/// broker and the resource from the kernel command line (`hermetic.kbs=URL hermetic.resource=REPO/TYPE/TAG`, which
/// PCR 9 measures), checks the init-data, attests and fetches the resource, and reports on the control port:
///
/// ```
/// READY                              init-data checked, agent up
/// ATTESTED                           RCAR succeeded (the token is never printed)
/// RESOURCE <path> sha256:<hex>       the resource was released; only its digest is printed
/// REFUSED <stage> <variant> <detail> the broker refused (stage: attest or resource)
/// FAILED <stage> <message>           anything else
/// DONE
/// ```
public enum PodBootstrap {
    /// The kernel command line's parameters for the pod.
    public struct Parameters: Sendable, Hashable {
        /// The broker, `http://HOST:PORT`.
        public var kbs: String
        /// The resource to fetch after attestation.
        public var resource: String

        /// Reads `hermetic.kbs=` and `hermetic.resource=` from a kernel command line.
        ///
        /// - Throws: ``GuestAttesterError`` (`badInput`) naming the missing parameter.
        public init(commandLine: String) throws(GuestAttesterError) {
            var kbs: String?
            var resource: String?
            for word in commandLine.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
                if word.hasPrefix("hermetic.kbs=") { kbs = String(word.dropFirst("hermetic.kbs=".count)) }
                if word.hasPrefix("hermetic.resource=") { resource = String(word.dropFirst("hermetic.resource=".count)) }
            }
            guard let kbs, !kbs.isEmpty else { throw GuestAttesterError(.badInput, "the kernel command line carries no hermetic.kbs=URL") }
            guard let resource, !resource.isEmpty else { throw GuestAttesterError(.badInput, "the kernel command line carries no hermetic.resource=PATH") }
            self.kbs = kbs
            self.resource = resource
        }
    }

    /// Runs the slice: `boot` (the init-data check) then RCAR and the fetch, each outcome written through `report`
    /// as one line. Returns whether the resource was released.
    public static func run(boot: () throws -> GuestAgent, resource: String, report: (String) -> Void) async -> Bool {
        let agent: GuestAgent
        do {
            agent = try boot()
        } catch {
            report("FAILED boot \(oneLine(error))")
            report("DONE")
            return false
        }
        report("READY")
        var released = false
        var stage = "attest"
        do {
            _ = try await agent.session.attested()
            report("ATTESTED")
            stage = "resource"
            let value = try await agent.session.resource(resource)
            report("RESOURCE \(resource) sha256:\(Hex.encode(Array(SHA256.hash(data: value))))")
            released = true
        } catch let error as KBSClientError {
            report("REFUSED \(stage) \(error.variant.isEmpty ? "-" : error.variant) \(oneLine(error.detail))")
        } catch {
            report("FAILED \(stage) \(oneLine(error))")
        }
        report("DONE")
        return released
    }

    static func oneLine(_ value: Any) -> String {
        String(String(describing: value).map { $0.isNewline ? " " : $0 }.prefix(400))
    }
}
