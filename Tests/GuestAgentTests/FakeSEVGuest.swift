import GuestAttester
import SEVSNP
import TestSupport

/// Stands in for the kernel's `/dev/sev-guest` ioctl: reads `struct snp_guest_request_ioctl` and the request it
/// points to from the caller's memory, asks the fake chip for a report, writes MSG_REPORT_RSP and, for the extended
/// request, the certificate table (or the size needed, with `SNP_GUEST_VMM_ERR_INVALID_LEN`).
struct FakeSEVGuest: SEVGuestIoctl {
    let chip: FakeSNPChip
    let table: [UInt8]
    var hostData: [UInt8] = []
    var status: UInt32 = 0

    func ioctl(_ request: UInt, _ argument: UnsafeMutableRawPointer) -> Int32 {
        typealias ABI = SEVGuestABI
        guard request == ABI.getReport || request == ABI.getExtendedReport,
              argument.load(fromByteOffset: ABI.GuestRequest.messageVersion, as: UInt8.self) == 1,
              let requestData = UnsafeMutableRawPointer(bitPattern: UInt(UInt64(littleEndian: argument.load(fromByteOffset: ABI.GuestRequest.requestData, as: UInt64.self)))),
              let responseData = UnsafeMutableRawPointer(bitPattern: UInt(UInt64(littleEndian: argument.load(fromByteOffset: ABI.GuestRequest.responseData, as: UInt64.self)))) else {
            return -22
        }
        let userData = [UInt8](UnsafeRawBufferPointer(start: requestData, count: 64))
        if request == ABI.getExtendedReport {
            let length = Int(UInt32(littleEndian: requestData.load(fromByteOffset: ABI.ExtendedReportRequest.certificatesLength, as: UInt32.self)))
            guard length >= table.count else {
                requestData.storeBytes(of: UInt32(table.count).littleEndian, toByteOffset: ABI.ExtendedReportRequest.certificatesLength, as: UInt32.self)
                argument.storeBytes(of: ABI.vmmErrorInvalidLength.littleEndian, toByteOffset: ABI.GuestRequest.vmmError, as: UInt32.self)
                return -5
            }
            guard let certificates = UnsafeMutableRawPointer(bitPattern: UInt(UInt64(littleEndian: requestData.load(fromByteOffset: ABI.ExtendedReportRequest.certificatesAddress, as: UInt64.self)))) else { return -14 }
            certificates.copyMemory(from: table, byteCount: table.count)
        }
        guard let report = try? chip.report(reportData: userData, hostData: hostData) else { return -5 }
        responseData.storeBytes(of: status.littleEndian, toByteOffset: ABI.ReportResponse.status, as: UInt32.self)
        responseData.storeBytes(of: UInt32(report.count).littleEndian, toByteOffset: ABI.ReportResponse.reportSize, as: UInt32.self)
        (responseData + ABI.ReportResponse.report).copyMemory(from: report, byteCount: report.count)
        return 0
    }
}

/// The GHCB certificate table: `{GUID, offset, length}` entries, an all-zero entry, then the certificates.
func certificateTable(_ entries: [(guid: String, der: [UInt8])]) -> [UInt8] {
    var headers: [UInt8] = []
    var data: [UInt8] = []
    let start = (entries.count + 1) * 24
    for entry in entries {
        var guid: [UInt8] = []
        let hex = Array(entry.guid.replacingOccurrences(of: "-", with: ""))
        for index in stride(from: 0, to: hex.count, by: 2) { guid.append(UInt8(String(hex[index...index + 1]), radix: 16) ?? 0) }
        headers += guid
        headers += withUnsafeBytes(of: UInt32(start + data.count).littleEndian, Array.init)
        headers += withUnsafeBytes(of: UInt32(entry.der.count).littleEndian, Array.init)
        data += entry.der
    }
    return headers + [UInt8](repeating: 0, count: 24) + data
}

let vcekGUID = "63da758d-e664-4564-adc5-f4b93be8accd"
