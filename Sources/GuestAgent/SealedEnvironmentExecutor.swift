import Gate
import Rego

/// Opens sealed secrets in a container's environment, as Confidential Containers' agent does: in an accepted
/// CreateContainer, each variable whose value starts with `sealed.` is replaced by the secret it seals, fetched from
/// the broker after attestation. The gate decided on the sealed form (the policy binds it by digest), so the host
/// never sees the secret and cannot change which one is opened. A secret that cannot be opened fails the order;
/// nothing runs, and no error names the value.
public final class SealedEnvironmentExecutor: Executor {
    /// Opens one sealed secret (`sealed.<header>.<payload>.<signature>`), returning its bytes.
    public typealias Unseal = @Sendable (_ sealed: String) async throws -> [UInt8]

    /// The prefix of a sealed value.
    public static let sealedPrefix = "sealed."

    private let inner: any Executor
    private let unseal: Unseal

    /// Wraps `inner`; `unseal` runs on the concurrency pool while the gate's thread waits for it.
    public init(inner: any Executor, unseal: @escaping Unseal) {
        self.inner = inner
        self.unseal = unseal
    }

    public func execute(_ order: Order, events: @escaping @Sendable (ExecutorEvent) -> Void) throws(ExecutionError) {
        guard order.verb == .createContainer, case .object(var noun) = order.noun,
              case .object(var oci)? = noun[.string("OCI")], case .object(var process)? = oci[.string("Process")],
              case .array(let environment)? = process[.string("Env")],
              environment.contains(where: { Self.sealedVariable($0) != nil }) else {
            return try inner.execute(order, events: events)
        }
        var opened: [Value] = []
        for entry in environment {
            guard let (name, sealed) = Self.sealedVariable(entry) else {
                opened.append(entry)
                continue
            }
            let unseal = self.unseal
            switch BlockingWait.run({ try await unseal(sealed) }) {
            case .success(let bytes):
                guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
                    throw ExecutionError("sealed secret in \(name): the secret is not text without NUL bytes")
                }
                opened.append(.string("\(name)=\(text)"))
            case .failure(let error):
                throw ExecutionError("sealed secret in \(name): \(error)")
            }
        }
        process[.string("Env")] = .array(opened)
        oci[.string("Process")] = .object(process)
        noun[.string("OCI")] = .object(oci)
        try inner.execute(order.replacingNoun(.object(noun)), events: events)
    }

    public func read(_ order: Order) throws(ExecutionError) -> [UInt8] { try inner.read(order) }

    public func shutdown() { inner.shutdown() }

    /// `(NAME, sealed value)` when `entry` is `NAME=sealed.…`.
    static func sealedVariable(_ entry: Value) -> (name: String, sealed: String)? {
        guard let text = entry.stringValue, let equals = text.firstIndex(of: "=") else { return nil }
        let value = text[text.index(after: equals)...]
        guard value.hasPrefix(sealedPrefix) else { return nil }
        return (String(text[..<equals]), String(value))
    }
}
