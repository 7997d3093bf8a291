/// Builtins about the runtime and the outside world. Policies in Hermetic run offline and deterministically, so
/// `http.send` checks its request as OPA does and then refuses, and `opa.runtime` reports an empty environment.
enum RuntimeBuiltins {
    static let all: [Builtin] = [
        Builtin("opa.runtime", arity: 0) { _, _ in .emptyObject },
        Builtin("http.send", arity: 1) { args, _ in
            let request = try args.object(0)
            let keys = Set(request.keys.compactMap(\.stringValue))
            let unknown = keys.subtracting(httpRequestKeys)
            if !unknown.isEmpty {
                throw BuiltinError(kind: .type, message: "invalid request parameters(s): \(quoted(unknown))")
            }
            let missing = Set(["method", "url"]).subtracting(keys)
            if !missing.isEmpty {
                throw BuiltinError(kind: .type, message: "missing required request parameters(s): \(quoted(missing))")
            }
            throw BuiltinError.failure("network access from policies is disabled")
        },
    ]

    /// The request keys OPA's `http.send` accepts.
    static let httpRequestKeys: Set<String> = [
        "method", "url", "body", "enable_redirect", "force_json_decode", "force_yaml_decode", "headers", "raw_body",
        "tls_use_system_certs", "tls_ca_cert", "tls_ca_cert_file", "tls_ca_cert_env_variable", "tls_client_cert",
        "tls_client_cert_file", "tls_client_cert_env_variable", "tls_client_key", "tls_client_key_file",
        "tls_client_key_env_variable", "tls_insecure_skip_verify", "tls_server_name", "timeout", "force_cache",
        "force_cache_duration_seconds", "caching_mode", "raise_error", "max_retry_attempts", "cache",
        "cache_ignored_headers",
    ]

    private static func quoted(_ names: Set<String>) -> String {
        Value.set(SetValue(names.map { Value.string($0) })).regoText
    }
}
