import Foundation
import HermeticCore
import Rego

/// Reference values as one appraisal sees them at one time: the lookup behind `query_reference_value(id)`.
///
/// An expired value is not served: the policy receives `null`, exactly as for an id that was never stored, and
/// ``status(of:)`` tells the explanation which of the two it was.
public struct ReferenceValueSnapshot: ReferenceValueLookup {
    /// What the store holds for an id at the snapshot's time.
    public enum Status: Sendable, Hashable {
        /// A value that is served.
        case available(ReferenceValue)
        /// A value that expired before the snapshot's time and is not served.
        case expired(ReferenceValue)
        /// Nothing is stored under the id.
        case missing
    }

    /// The time expiry is judged at.
    public let time: Date
    private let values: [String: ReferenceValue]
    private let regoValues: [String: Value]

    /// A snapshot of `values` at `time`.
    public init(_ values: [ReferenceValue], at time: Date) {
        self.time = time
        var table: [String: ReferenceValue] = [:]
        var rego: [String: Value] = [:]
        for value in values {
            table[value.id] = value
            if !value.isExpired(at: time) {
                rego[value.id] = Value(value.value)
            }
        }
        self.values = table
        regoValues = rego
    }

    /// The value served for `id`: `nil` when missing or expired.
    public func referenceValue(for id: String) -> Value? { regoValues[id] }

    /// What the store holds for `id` at ``time``.
    public func status(of id: String) -> Status {
        guard let value = values[id] else { return .missing }
        return value.isExpired(at: time) ? .expired(value) : .available(value)
    }
}
