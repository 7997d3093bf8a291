import Foundation
import Rego
import Storage
import Synchronization

/// Policies and reference values as of one store configuration generation.
///
/// Each request learns the current generation in the same round trip that reads its session; while it is unchanged,
/// the compiled policies and parsed reference values here are served without touching the store. A change anywhere
/// (this replica's admin API, another replica, a hand edit) raises the generation, and the next request reloads;
/// what was compiled from an unchanged source is kept.
final class ConfigurationCache: Sendable {
    private struct State {
        var generation: Int64 = -1
        var policies: [String: KeyBroker.CompiledPolicy?] = [:]
        var referenceValues: [String: ReferenceValue]?
        var compiledBySource: [String: KeyBroker.CompiledPolicy] = [:]

        /// Forgets everything read at an older generation; a newer one already cached is kept.
        mutating func moveTo(_ newer: Int64) {
            guard newer > generation else { return }
            generation = newer
            policies = [:]
            referenceValues = nil
        }
    }

    private let state = Mutex(State())

    /// The policy under `key` at `generation`, or `nil` when the caller must load it.
    func policy(key: String, generation: Int64) -> KeyBroker.CompiledPolicy?? {
        state.withLock { $0.generation == generation ? $0.policies[key] : nil }
    }

    /// The policy compiled earlier from exactly `source`, if any (kept across generations).
    func compiled(key: String, source: String) -> KeyBroker.CompiledPolicy? {
        state.withLock { state in state.compiledBySource[key].flatMap { $0.source == source ? $0 : nil } }
    }

    /// Records the policy under `key` as read at (or after) `generation`.
    func store(policy: KeyBroker.CompiledPolicy?, key: String, generation: Int64) {
        state.withLock { state in
            state.moveTo(generation)
            guard state.generation == generation else { return }
            state.policies[key] = .some(policy)
            if let policy { state.compiledBySource[key] = policy }
        }
    }

    /// A reference value as the store holds it: the value and when it stops being served.
    struct ReferenceValue: Sendable {
        var value: Rego.Value
        var expires: Date?
    }

    /// The reference values at `generation`, or `nil` when the caller must load them.
    func referenceValues(generation: Int64) -> [String: ReferenceValue]? {
        state.withLock { $0.generation == generation ? $0.referenceValues : nil }
    }

    /// Records the reference values as read at (or after) `generation`.
    func store(referenceValues: [String: ReferenceValue], generation: Int64) {
        state.withLock { state in
            state.moveTo(generation)
            if state.generation == generation { state.referenceValues = referenceValues }
        }
    }
}
