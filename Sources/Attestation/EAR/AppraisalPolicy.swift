import Foundation
import HermeticCore
import ReferenceValues
import Rego

/// An attestation (appraisal) policy as Trustee's attestation service runs it: Rego whose `data.policy.trust_claims`
/// is the AR4SI vector and whose optional `data.policy.extensions` lists extra submodule members
/// (`[{"name": ..., "key": ..., "value": ...}]`). The input is the annotated evidence.
///
/// The policy is compiled once; reference values come through the lookup given at compile time, read at each
/// evaluation.
public struct AppraisalPolicy: Sendable {
    /// The policy id (`default_cpu`, ...).
    public let id: String
    /// The Rego source.
    public let source: String
    let trustClaims: PreparedQuery
    let extensions: PreparedQuery

    /// Compiles `source`.
    ///
    /// - Parameters:
    ///   - id: the policy id.
    ///   - source: Rego (v1 syntax, `package policy`).
    ///   - referenceValues: where `query_reference_value` looks.
    /// - Throws: ``EARError`` `.policy` with the compiler's message.
    public init(id: String, source: String, referenceValues: any ReferenceValueLookup) throws {
        self.id = id
        self.source = source
        do {
            let policy = try Policy(
                modules: [(name: "\(id).rego", source: source)],
                builtins: BuiltinRegistry.standard.adding(.queryReferenceValue(referenceValues))
            )
            trustClaims = try policy.prepare(query: "hermetic_trust_claims := data.policy.trust_claims")
            extensions = try policy.prepare(query: "hermetic_extensions := data.policy.extensions")
        } catch {
            throw EARError(.policy, "policy \(id) does not compile: \(error)")
        }
    }

    /// Appraises one device's annotated evidence.
    ///
    /// - Returns: the submodule for the EAR.
    /// - Throws: ``EARError`` `.policy` when evaluation fails or yields no `trust_claims` object.
    public func appraise(_ annotatedEvidence: JSONValue, at time: Date = Date()) throws -> EARSubmodule {
        let input = Value(annotatedEvidence)
        let vectorValue: Value
        let extensionValue: Value?
        do {
            guard let value = try trustClaims.evaluate(input: input, now: time, print: { _ in }).first?["hermetic_trust_claims"] else {
                throw EARError(.policy, "policy \(id) defines no trust_claims for this evidence")
            }
            vectorValue = value
            extensionValue = try extensions.evaluate(input: input, now: time, print: { _ in }).first?["hermetic_extensions"]
        } catch let error as EARError {
            throw error
        } catch {
            throw EARError(.policy, "policy \(id) failed: \(error)")
        }
        let vector = try TrustVector(policyOutput: try Self.json(vectorValue))
        var members: [String: JSONValue] = [:]
        if let extensionValue, case .array(let entries) = try Self.json(extensionValue) {
            for entry in entries {
                guard let name = entry["name"]?.stringValue, name.hasPrefix("ear."), let value = entry["value"] else {
                    throw EARError(.policy, "policy \(id) returned an extension without an ear.* name and a value")
                }
                members[name] = value
            }
        }
        return EARSubmodule(trustVector: vector, policyID: id, annotatedEvidence: annotatedEvidence, extensions: members)
    }

    private static func json(_ value: Value) throws -> JSONValue {
        do {
            return try JSONValue(parsing: value.jsonText.utf8)
        } catch {
            throw EARError(.policy, "the policy output is not JSON")
        }
    }
}
