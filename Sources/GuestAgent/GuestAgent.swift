#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Gate
import GuestAttester
import HermeticCore
import InitData
import KBSClient
import TPM

/// The guest agent's trust work at boot and after: the init-data check, the evidence source for its TEE, the broker
/// session, runtime measurements, and the gate in front of the control channel.
public struct GuestAgent: Sendable {
    /// The configuration.
    public let configuration: AgentConfiguration
    /// The init-data, when one was given.
    public let initData: InitData?
    /// Where evidence comes from.
    public let evidence: any EvidenceSource
    /// The broker session.
    public let session: KBSSession
    /// Runtime measurements (a TPM's PCR, or TDX's RTMR3; none on SEV-SNP).
    public let measurements: RuntimeMeasurements?
    /// What the init-data check found.
    public let initDataOutcome: InitDataCheck.Outcome?

    /// Boots: reads the init-data, checks its binding on this platform, and prepares the session. Nothing is served
    /// unless this returns.
    ///
    /// - Parameters:
    ///   - tpmTransport: the TPM (the device in ``AgentConfiguration/tpmDevice`` when `nil`).
    ///   - tsmEntries: how configfs-tsm entries are made (the kernel's `mkdir` when `nil`).
    ///   - sevGuest: the `/dev/sev-guest` ioctl (the device when `nil` and the configuration names one).
    ///   - transport: the way to the broker (HTTP to ``AgentConfiguration/kbsURL`` when `nil`).
    /// - Throws: ``GuestAttesterError`` (`mismatch` when the init-data is not the measured one), `InitDataError`,
    ///   ``KBSClientError`` for a bad broker URL.
    public static func boot(_ configuration: AgentConfiguration,
                            tpmTransport: (@Sendable () throws -> any TPMTransport)? = nil,
                            tsmEntries: (any TSMReportEntries)? = nil,
                            sevGuest: (any SEVGuestIoctl)? = nil,
                            transport: (any KBSTransport)? = nil) throws -> GuestAgent {
        var initData: InitData?
        var initDataTOML: String?
        if let path = configuration.initDataPath {
            let bytes = try GuestFiles.read(path, limit: 1 << 20)
            initData = try InitData(bytes: bytes)
            initDataTOML = String(decoding: bytes, as: UTF8.self)
        }
        let device = configuration.tpmDevice
        let tpm = tpmTransport ?? { try DeviceTransport(path: device) }
        let evidence: any EvidenceSource
        var measurements: RuntimeMeasurements?
        var outcome: InitDataCheck.Outcome?
        switch configuration.tee {
        case .tpm:
            if let initData { outcome = try InitDataCheck.check(initData, tpm: tpm) }
            evidence = TPMEvidenceSource(transport: tpm, eventLogPath: configuration.eventLogPath)
            measurements = try RuntimeMeasurements(register: TPMPCRRegister(pcr: configuration.runtimePCR, transport: tpm), logPath: configuration.aaelPath)
        case .snp:
            let source: SNPEvidenceSource
            if let sevGuest {
                source = SNPEvidenceSource(backend: .sevGuest(SEVGuestReport(device: sevGuest)))
            } else if let path = configuration.sevGuestDevice {
                source = SNPEvidenceSource(backend: .sevGuest(SEVGuestReport(device: SEVGuestDeviceFile(path: path))))
            } else {
                source = SNPEvidenceSource(backend: .tsm(TSMReport(root: configuration.tsmRoot, provider: .sevGuest, entries: tsmEntries ?? ConfigfsEntries())))
            }
            if let initData { outcome = try InitDataCheck.check(initData, snpReport: try source.report(reportData: []).report) }
            evidence = source
        case .tdx:
            let driver = TSMReport(root: configuration.tsmRoot, provider: .tdxGuest, readsAuxblob: false, entries: tsmEntries ?? ConfigfsEntries())
            if let initData { outcome = try InitDataCheck.check(initData, tdxQuote: try driver.report(inblob: []).outblob) }
            let ccel = configuration.ccelPath.flatMap { try? GuestFiles.read($0) }
            let start = try CCEventLogAssembly.firmwareReplay(ccel: ccel, rtmr: TDXRTMRRegister.rtmr)
            let tdxMeasurements = try RuntimeMeasurements(register: TDXRTMRRegister(directory: configuration.tdxMeasurementsDirectory), logPath: configuration.aaelPath,
                                                          format: .tcg2(measurementRegisterIndex: TDXRTMRRegister.measurementRegisterIndex, startingValue: start))
            measurements = tdxMeasurements
            evidence = TDXEvidenceSource(driver: driver, ccelPath: configuration.ccelPath, measurements: tdxMeasurements)
        }
        let client = KBSClient(transport: try transport ?? HTTPTransport(url: configuration.kbsURL))
        return GuestAgent(configuration: configuration, initData: initData, evidence: evidence,
                          session: KBSSession(client: client, evidence: evidence, initDataTOML: initDataTOML),
                          measurements: measurements, initDataOutcome: outcome)
    }

    /// The gate for this pod: the policy from the init-data (`policy.rego`), orders carried out by `executor`,
    /// container starts measured first when there is a measurement register.
    ///
    /// - Throws: ``GuestAttesterError`` (`badInput`) when there is no init-data policy, or the policy's load error.
    public func gate(executor: any Executor, log: @escaping @Sendable (String) -> Void = { _ in }) throws -> Gate {
        guard let source = initData?.policy else {
            throw GuestAttesterError(.badInput, "the init-data carries no policy.rego: the agent serves no gate without a policy")
        }
        let policy = try AgentPolicy(source: source)
        let measured: any Executor = measurements.map { MeasuringExecutor(inner: executor, measurements: $0) } ?? executor
        return Gate(policy: policy, executor: measured, log: log)
    }

    /// Pulls an image into the bundle of `container` through `runtime` and records the pull as a runtime measurement.
    public func pullImage(_ reference: String, container: String, runtime: any PodRuntime) async throws -> String {
        let digest = try await runtime.prepare(image: reference, container: container, keys: session)
        try measurements?.record(try .pullImage(reference, digest: digest))
        return digest
    }
}
