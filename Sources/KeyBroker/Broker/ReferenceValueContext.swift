import Rego

/// The reference values an evaluation sees: read from the store at the start of each attestation and bound to the
/// task, so one compiled policy serves concurrent attestations, each with the values current when it began.
enum ReferenceValueContext {
    @TaskLocal static var values: [String: Rego.Value] = [:]
}

/// The lookup compiled into attestation policies: it reads the task's values.
struct TaskReferenceValues: ReferenceValueLookup {
    func referenceValue(for id: String) -> Rego.Value? { ReferenceValueContext.values[id] }
}
