import SEVSNP

/// SNP reports through `/dev/sev-guest`: SNP_GET_REPORT, or SNP_GET_EXT_REPORT with the host's certificate table
/// (the buffer grown once when the host says it is too small).
public struct SEVGuestReport: Sendable {
    /// The device (or a fake of its ioctl).
    public let device: any SEVGuestIoctl
    /// The VMPL the report is requested at.
    public let vmpl: UInt32
    /// The message version (1).
    public let messageVersion: UInt8

    /// Creates a driver.
    public init(device: any SEVGuestIoctl = SEVGuestDeviceFile(), vmpl: UInt32 = 0, messageVersion: UInt8 = 1) {
        self.device = device
        self.vmpl = vmpl
        self.messageVersion = messageVersion
    }

    /// A report binding `reportData` (at most 64 bytes, zero-padded), with the certificate table when `extended`.
    ///
    /// - Throws: ``GuestAttesterError``: `badInput`, `firmware` with the errno and firmware/VMM errors, or
    ///   `malformedReport` for a response whose status or size is wrong.
    public func report(reportData: [UInt8], extended: Bool = true) throws(GuestAttesterError) -> (report: [UInt8], certificateTable: [UInt8]) {
        guard reportData.count <= 64 else { throw GuestAttesterError(.badInput, "report data of \(reportData.count) bytes; SNP takes at most 64") }
        var certificateLength = extended ? 4 * 4096 : 0
        for _ in 0..<2 {
            let result = try request(reportData: reportData, certificateLength: certificateLength)
            if let needed = result.neededCertificateLength {
                guard needed > certificateLength, needed <= 1 << 20 else {
                    throw GuestAttesterError(.firmware, "the host asks for a certificate buffer of \(needed) bytes")
                }
                certificateLength = (needed + 4095) / 4096 * 4096
                continue
            }
            return (result.report, result.certificates)
        }
        throw GuestAttesterError(.firmware, "SNP_GET_EXT_REPORT kept asking for a larger certificate buffer")
    }

    private func request(reportData: [UInt8], certificateLength: Int) throws(GuestAttesterError)
        -> (report: [UInt8], certificates: [UInt8], neededCertificateLength: Int?) {
        typealias ABI = SEVGuestABI
        let extended = certificateLength > 0
        let requestSize = extended ? ABI.ExtendedReportRequest.size : ABI.ReportRequest.size
        let guestRequest = UnsafeMutableRawPointer.allocate(byteCount: ABI.GuestRequest.size, alignment: 8)
        let request = UnsafeMutableRawPointer.allocate(byteCount: requestSize, alignment: 8)
        let response = UnsafeMutableRawPointer.allocate(byteCount: ABI.ReportResponse.size, alignment: 8)
        let certificates = UnsafeMutableRawPointer.allocate(byteCount: max(certificateLength, 1), alignment: 4096)
        defer {
            guestRequest.deallocate()
            request.deallocate()
            response.deallocate()
            certificates.deallocate()
        }
        guestRequest.initializeMemory(as: UInt8.self, repeating: 0, count: ABI.GuestRequest.size)
        request.initializeMemory(as: UInt8.self, repeating: 0, count: requestSize)
        response.initializeMemory(as: UInt8.self, repeating: 0, count: ABI.ReportResponse.size)
        certificates.initializeMemory(as: UInt8.self, repeating: 0, count: max(certificateLength, 1))
        for (index, byte) in reportData.enumerated() { request.storeBytes(of: byte, toByteOffset: ABI.ReportRequest.userData + index, as: UInt8.self) }
        request.storeBytes(of: vmpl.littleEndian, toByteOffset: ABI.ReportRequest.vmpl, as: UInt32.self)
        if extended {
            request.storeBytes(of: UInt64(UInt(bitPattern: certificates)).littleEndian, toByteOffset: ABI.ExtendedReportRequest.certificatesAddress, as: UInt64.self)
            request.storeBytes(of: UInt32(certificateLength).littleEndian, toByteOffset: ABI.ExtendedReportRequest.certificatesLength, as: UInt32.self)
        }
        guestRequest.storeBytes(of: messageVersion, toByteOffset: ABI.GuestRequest.messageVersion, as: UInt8.self)
        guestRequest.storeBytes(of: UInt64(UInt(bitPattern: request)).littleEndian, toByteOffset: ABI.GuestRequest.requestData, as: UInt64.self)
        guestRequest.storeBytes(of: UInt64(UInt(bitPattern: response)).littleEndian, toByteOffset: ABI.GuestRequest.responseData, as: UInt64.self)

        let result = device.ioctl(extended ? ABI.getExtendedReport : ABI.getReport, guestRequest)
        let firmwareError = UInt32(littleEndian: guestRequest.loadUnaligned(fromByteOffset: ABI.GuestRequest.firmwareError, as: UInt32.self))
        let vmmError = UInt32(littleEndian: guestRequest.loadUnaligned(fromByteOffset: ABI.GuestRequest.vmmError, as: UInt32.self))
        if result != 0 {
            if extended, vmmError == ABI.vmmErrorInvalidLength {
                let needed = UInt32(littleEndian: request.loadUnaligned(fromByteOffset: ABI.ExtendedReportRequest.certificatesLength, as: UInt32.self))
                return ([], [], Int(needed))
            }
            throw GuestAttesterError(.firmware, "\(extended ? "SNP_GET_EXT_REPORT" : "SNP_GET_REPORT") failed: errno \(-result), firmware error 0x\(String(firmwareError, radix: 16)), VMM error 0x\(String(vmmError, radix: 16))")
        }
        let status = UInt32(littleEndian: response.loadUnaligned(fromByteOffset: ABI.ReportResponse.status, as: UInt32.self))
        let size = Int(UInt32(littleEndian: response.loadUnaligned(fromByteOffset: ABI.ReportResponse.reportSize, as: UInt32.self)))
        guard status == 0 else { throw GuestAttesterError(.firmware, "MSG_REPORT_RSP status 0x\(String(status, radix: 16))") }
        guard size == AttestationReport.size else {
            throw GuestAttesterError(.malformedReport, "MSG_REPORT_RSP report_size is \(size), expected \(AttestationReport.size)")
        }
        let report = [UInt8](UnsafeRawBufferPointer(start: response + ABI.ReportResponse.report, count: size))
        let table = extended ? [UInt8](UnsafeRawBufferPointer(start: certificates, count: certificateLength)) : []
        return (report, table, nil)
    }
}
