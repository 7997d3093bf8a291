import Foundation
import HermeticCore
import Rego
import ReferenceValues

/// What an appraisal compared and why it decided as it did: for each reference value the policy read, the claim it
/// was compared with, both values and whether they matched; for each trust claim that is not affirming, the first
/// condition that failed in the rule that would have affirmed it, with its policy file and line.
public struct AppraisalExplanation: Sendable, Hashable {
    /// Whether a reference value was served, and if not, why.
    public enum Availability: Sendable, Hashable {
        /// The store served it.
        case available
        /// The store holds it but it expired at the given time, so the policy received `null`.
        case expired(Date)
        /// Nothing is stored under the id, so the policy received `null`.
        case missing
        /// The lookup does not say (a lookup other than the reference value store).
        case unknown
    }

    /// One comparison of a claim with a reference value.
    public struct Check: Sendable, Hashable {
        /// The reference value id, e.g. `snp_launch_measurement`.
        public let id: String
        /// The claim's name: the last element of its path, e.g. `measurement`.
        public let claim: String
        /// The claim's path as the policy writes it, e.g. `input.snp.measurement`.
        public let claimPath: String
        /// The operator: `in`, `==`, `>=`, ...
        public let comparison: String
        /// The claim's value.
        public let claimValue: JSONValue
        /// The reference value's value (`null` when not served).
        public let referenceValue: JSONValue
        /// Whether the comparison held.
        public let matched: Bool
        /// Whether the store served the value.
        public let availability: Availability
        /// `file:line:column` of the comparison.
        public let location: String
    }

    /// The first failing condition behind a trust claim that is not affirming.
    public struct Denial: Sendable, Hashable {
        /// The trust claim (AR4SI aspect), e.g. `executables`.
        public let trustClaim: String
        /// Its value.
        public let value: Int
        /// The policy file.
        public let file: String
        /// The line, from 1.
        public let line: Int
        /// The column, from 1.
        public let column: Int
        /// The source line of the failing condition, trimmed.
        public let condition: String
    }

    /// The overall status.
    public let status: EARStatus
    /// The trust vector.
    public let trustVector: TrustVector
    /// Every comparison with a reference value, in evaluation order.
    public let checks: [Check]
    /// Reference values read but not compared by any traced comparison, with their availability.
    public let unusedReads: [(id: String, availability: Availability)]
    /// The failing condition of each trust claim that is warning or contraindicated.
    public let denials: [Denial]

    public static func == (lhs: AppraisalExplanation, rhs: AppraisalExplanation) -> Bool {
        lhs.status == rhs.status && lhs.trustVector == rhs.trustVector && lhs.checks == rhs.checks && lhs.denials == rhs.denials
            && lhs.unusedReads.map(\.id) == rhs.unusedReads.map(\.id)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        hasher.combine(checks)
        hasher.combine(denials)
    }

    /// Builds the explanation from an evaluation's trace.
    /// - Parameters:
    ///   - trace: the trace of the `trust_claims` evaluation.
    ///   - vector: the trust vector it produced.
    ///   - source: the policy's Rego source (for the failing condition's text).
    ///   - snapshot: the reference values the policy saw, to tell expired from missing; `nil` when unknown.
    init(trace: EvaluationTrace, vector: TrustVector, source: String, snapshot: ReferenceValueSnapshot?) {
        func availability(_ id: String) -> Availability {
            guard let snapshot else { return .unknown }
            switch snapshot.status(of: id) {
            case .available: return .available
            case .expired(let value): return .expired(value.expires ?? snapshot.time)
            case .missing: return .missing
            }
        }
        var checks: [Check] = []
        var seen = Set<String>()
        for comparison in trace.comparisons {
            let key = "\(comparison.id)|\(comparison.location)"
            guard seen.insert(key).inserted else { continue }
            let claimName = comparison.claim.split(whereSeparator: { $0 == "." || $0 == "[" }).last.map {
                String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"]"))
            } ?? comparison.claim
            checks.append(Check(
                id: comparison.id, claim: claimName, claimPath: comparison.claim, comparison: comparison.comparison,
                claimValue: Self.json(comparison.claimValue), referenceValue: Self.json(comparison.referenceValue),
                matched: comparison.holds, availability: availability(comparison.id), location: comparison.location.description
            ))
        }
        let compared = Set(checks.map(\.id))
        var unused: [(id: String, availability: Availability)] = []
        for read in trace.referenceValueReads where !compared.contains(read.id) && !unused.contains(where: { $0.id == read.id }) {
            unused.append((read.id, availability(read.id)))
        }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        var denials: [Denial] = []
        for aspect in TrustVector.aspects {
            let value = vector.values[aspect] ?? 0
            guard EARStatus(claim: value) > .affirming else { continue }
            let rule = aspect.replacingOccurrences(of: "-", with: "_")
            // The rule body that got furthest is the one meant for this evidence; the others stopped at their
            // platform guard (`input.snp`, `input.tdx`, ...).
            let candidates = trace.failures.filter { $0.rule == rule }
            guard let failure = candidates.max(by: { $0.expressionIndex < $1.expressionIndex }) else { continue }
            let line = failure.location.line
            let text = line >= 1 && line <= lines.count ? lines[line - 1].trimmingCharacters(in: .whitespaces) : ""
            denials.append(Denial(trustClaim: aspect, value: value, file: failure.location.file, line: line,
                                  column: failure.location.column, condition: text))
        }
        status = vector.status
        trustVector = vector
        self.checks = checks
        unusedReads = unused
        self.denials = denials
    }

    private static func json(_ value: Value) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(value.jsonText.utf8))) ?? .string(value.jsonText)
    }

    /// The explanation for people: one line per check and denial.
    public var text: String {
        var out = ["status: \(status.rawValue)"]
        out.append("trust vector: " + TrustVector.aspects.map { "\($0)=\(trustVector.values[$0] ?? 0)" }.joined(separator: " "))
        if !checks.isEmpty { out.append("reference values compared:") }
        for check in checks {
            var line = "  \(check.matched ? "match   " : "MISMATCH") \(check.id): claim \(check.claim) (\(check.claimPath)) = \(check.claimValue.serialized())"
            line += " \(check.comparison) \(check.referenceValue.serialized())"
            out.append(line)
            if case .expired(let date) = check.availability {
                out.append("           \(check.id) expired at \(Timestamp.text(date)) and was not used")
            } else if check.availability == .missing {
                out.append("           \(check.id) is not in the store")
            }
            out.append("           at \(check.location)")
        }
        for read in unusedReads {
            switch read.availability {
            case .expired(let date): out.append("  read     \(read.id): expired at \(Timestamp.text(date)) and was not used")
            case .missing: out.append("  read     \(read.id): not in the store")
            default: out.append("  read     \(read.id)")
            }
        }
        for denial in denials {
            out.append("denied \(denial.trustClaim)=\(denial.value): first failing condition at \(denial.file):\(denial.line): \(denial.condition)")
        }
        return out.joined(separator: "\n")
    }

    /// The explanation as JSON.
    public var json: JSONValue {
        func availabilityJSON(_ availability: Availability) -> JSONValue {
            switch availability {
            case .available: .string("available")
            case .expired(let date): .object(["expired": .string(Timestamp.text(date))])
            case .missing: .string("missing")
            case .unknown: .null
            }
        }
        return .object([
            "status": .string(status.rawValue),
            "trust_vector": trustVector.json,
            "checks": .array(checks.map { check in
                .object([
                    "id": .string(check.id), "claim": .string(check.claim), "claim_path": .string(check.claimPath),
                    "operator": .string(check.comparison), "claim_value": check.claimValue,
                    "reference_value": check.referenceValue, "matched": .bool(check.matched),
                    "availability": availabilityJSON(check.availability), "location": .string(check.location),
                ])
            }),
            "unused_reads": .array(unusedReads.map { .object(["id": .string($0.id), "availability": availabilityJSON($0.availability)]) }),
            "denials": .array(denials.map { denial in
                .object([
                    "trust_claim": .string(denial.trustClaim), "value": .int(Int64(denial.value)), "file": .string(denial.file),
                    "line": .int(Int64(denial.line)), "column": .int(Int64(denial.column)), "condition": .string(denial.condition),
                ])
            }),
        ])
    }
}

extension AppraisalPolicy {
    /// Appraises one device's annotated evidence and explains the result.
    ///
    /// The evaluation is traced (the untraced ``appraise(_:at:)`` is the broker's hot path); everything else is as
    /// ``appraise(_:at:)``.
    /// - Parameter snapshot: the reference values the policy was compiled with, to tell expired from missing.
    /// - Throws: ``EARError`` `.policy` when evaluation fails or yields no `trust_claims` object.
    public func appraiseExplained(_ annotatedEvidence: JSONValue, at time: Date = Date(), snapshot: ReferenceValueSnapshot?) throws -> (EARSubmodule, AppraisalExplanation) {
        let input = Value(annotatedEvidence)
        let trace = EvaluationTrace()
        let vectorValue: Value
        do {
            guard let value = try trustClaims.evaluate(input: input, now: time, print: { _ in }, trace: trace).first?["hermetic_trust_claims"] else {
                throw EARError(.policy, "policy \(id) defines no trust_claims for this evidence")
            }
            vectorValue = value
        } catch let error as EARError {
            throw error
        } catch {
            throw EARError(.policy, "policy \(id) failed: \(error)")
        }
        let submodule = try appraise(annotatedEvidence, at: time)
        guard let vectorJSON = try? JSONDecoder().decode(JSONValue.self, from: Data(vectorValue.jsonText.utf8)) else {
            throw EARError(.policy, "the policy output is not JSON")
        }
        let vector = try TrustVector(policyOutput: vectorJSON)
        return (submodule, AppraisalExplanation(trace: trace, vector: vector, source: source, snapshot: snapshot))
    }
}
