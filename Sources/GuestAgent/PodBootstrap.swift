import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Gate
import GuestAttester
import HermeticCore
import KBSClient

/// What the agent does when `/init` starts it with `pod` (issue 10). It reads its parameters from the kernel command
/// line, which PCR 9 measures (`hermetic.kbs=URL`, optionally `hermetic.resource=REPO/TYPE/TAG` and
/// `hermetic.registry=HOST:PORT`), checks the init-data, attests (retrying while the broker cannot be reached),
/// fetches the resource if one is named, and reports on the control port:
///
/// ```
/// READY                              init-data checked, agent up
/// RETRY attest <n> <reason>          the broker could not be reached; attempt n follows
/// ATTESTED                           RCAR succeeded (the token is never printed)
/// RESOURCE <path> sha256:<hex>       the resource was released; only its digest is printed
/// REFUSED <stage> <variant> <detail> the broker refused (stage: attest or resource)
/// FAILED <stage> <message>           anything else
/// GATE                               the init-data carries a policy: from here the port carries gate frames
/// DONE                               no gate: nothing more follows
/// ```
public enum PodBootstrap {
    /// The kernel command line's parameters for the pod.
    public struct Parameters: Sendable, Hashable {
        /// The broker, `http://HOST:PORT`.
        public var kbs: String
        /// The resource to fetch after attestation, if any.
        public var resource: String?
        /// Where images are pulled from (`HOST:PORT`, the forwarded registry port), whatever registry they name.
        public var registry: String?

        /// Reads `hermetic.kbs=`, `hermetic.resource=` and `hermetic.registry=` from a kernel command line.
        ///
        /// - Throws: ``GuestAttesterError`` (`badInput`) naming the missing parameter.
        public init(commandLine: String) throws(GuestAttesterError) {
            var values: [String: String] = [:]
            for word in commandLine.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
                for key in ["hermetic.kbs", "hermetic.resource", "hermetic.registry"] where word.hasPrefix(key + "=") {
                    values[key] = String(word.dropFirst(key.count + 1))
                }
            }
            guard let kbs = values["hermetic.kbs"], !kbs.isEmpty else {
                throw GuestAttesterError(.badInput, "the kernel command line carries no hermetic.kbs=URL")
            }
            self.kbs = kbs
            resource = values["hermetic.resource"].flatMap { $0.isEmpty ? nil : $0 }
            registry = values["hermetic.registry"].flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// How the bootstrap ended.
    public enum Outcome: Sendable {
        /// `DONE` was written; whether the resource was released (or no resource was asked for and attestation
        /// succeeded).
        case done(success: Bool)
        /// `GATE` was written: the caller serves the gate for this attested agent on the port.
        case gate(GuestAgent)
    }

    /// How often, and how long apart, attestation is tried while the broker cannot be reached.
    public struct RetryPolicy: Sendable, Hashable {
        /// Attempts in all.
        public var attempts: Int
        /// The first pause, doubled after each failure.
        public var initialDelay: Duration

        /// A policy.
        public init(attempts: Int = 6, initialDelay: Duration = .milliseconds(500)) {
            self.attempts = max(1, attempts)
            self.initialDelay = initialDelay
        }
    }

    /// Runs the bootstrap: `boot` (the init-data check), RCAR with retries while the broker is unreachable, the
    /// resource if `resource` names one; then `GATE` when `serveGate` and the agent has a policy, else `DONE`. Each
    /// outcome is written through `report` as one line.
    public static func run(boot: () throws -> GuestAgent, resource: String?, serveGate: Bool = false, retry: RetryPolicy = RetryPolicy(),
                           report: (String) -> Void) async -> Outcome {
        let agent: GuestAgent
        do {
            agent = try boot()
        } catch {
            report("FAILED boot \(oneLine(error))")
            report("DONE")
            return .done(success: false)
        }
        report("READY")
        var stage = "attest"
        do {
            try await attest(agent.session, retry: retry, report: report)
            report("ATTESTED")
            if let resource {
                stage = "resource"
                let value = try await agent.session.resource(resource)
                report("RESOURCE \(resource) sha256:\(Hex.encode(Array(SHA256.hash(data: value))))")
            }
        } catch let error as KBSClientError where error.status != 0 {
            report("REFUSED \(stage) \(error.variant.isEmpty ? "-" : error.variant) \(oneLine(error.detail))")
            report("DONE")
            return .done(success: false)
        } catch {
            report("FAILED \(stage) \(oneLine(error))")
            report("DONE")
            return .done(success: false)
        }
        if serveGate, agent.initData?.policy != nil {
            report("GATE")
            return .gate(agent)
        }
        report("DONE")
        return .done(success: true)
    }

    /// Attests, trying again after a growing pause while the broker cannot be reached (no HTTP answer); a refusal
    /// is final.
    static func attest(_ session: KBSSession, retry: RetryPolicy, report: (String) -> Void) async throws {
        var delay = retry.initialDelay
        for attempt in 1...retry.attempts {
            do {
                _ = try await session.attested()
                return
            } catch let error as KBSClientError where error.status != 0 {
                throw error
            } catch {
                guard attempt < retry.attempts else { throw error }
                report("RETRY attest \(attempt + 1) \(oneLine(error))")
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
    }

    static func oneLine(_ value: Any) -> String {
        String(String(describing: value).map { $0.isNewline ? " " : $0 }.prefix(400))
    }
}
