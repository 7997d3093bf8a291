/// The shared libraries a dynamically linked program loads, as `ldd` lists them (the loader included, the vDSO
/// left out), with `LD_PRELOAD` and `LD_LIBRARY_PATH` cleared so that only what the program itself needs is listed.
/// A static program has none.
public enum SharedLibraries {
    /// The absolute paths `ldd` resolves for `program`.
    ///
    /// - Throws: ``SandboxError/Code/toolMissing`` without ldd; ``SandboxError/Code/image`` when ldd cannot find a
    ///   library.
    public static func of(_ program: String) throws(SandboxError) -> [String] {
        let ldd = try HostTools.require("ldd", package: "libc-bin")
        let result = try HostTools.run(ldd, [program], environment: HostTools.loaderNeutralEnvironment)
        if result.output.contains("not a dynamic executable") || result.output.contains("statically linked") { return [] }
        guard result.status == 0 else {
            throw SandboxError(.image, "ldd \(program) failed (exit \(result.status)): \(result.output.prefix(300))")
        }
        return try parse(result.output, program: program)
    }

    /// The library paths in `ldd` output.
    static func parse(_ output: String, program: String) throws(SandboxError) -> [String] {
        var paths: [String] = []
        for rawLine in output.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.contains("=> not found") {
                throw SandboxError(.image, "\(program) needs \(line.prefix { $0 != " " }), which ldd cannot find")
            }
            let candidate: Substring
            if let arrow = line.range(of: "=> ") {
                candidate = line[arrow.upperBound...].prefix { $0 != " " }
            } else {
                candidate = line.prefix { $0 != " " }
            }
            if candidate.hasPrefix("/"), !paths.contains(String(candidate)) { paths.append(String(candidate)) }
        }
        return paths
    }
}
