/// The request and response layouts of Linux's `include/uapi/linux/sev-guest.h` and the SNP firmware's
/// MSG_REPORT_RSP, with their offsets on x86-64.
public enum SEVGuestABI {
    /// `_IOWR('S', 0x0, struct snp_guest_request_ioctl)`.
    public static let getReport: UInt = ioctlNumber(0x0)
    /// `_IOWR('S', 0x2, struct snp_guest_request_ioctl)`.
    public static let getExtendedReport: UInt = ioctlNumber(0x2)

    /// `struct snp_guest_request_ioctl`: `u8 msg_version` (pad to 8), `u64 req_data`, `u64 resp_data`,
    /// `u64 exitinfo2` (`u32 fw_error`, `u32 vmm_error`).
    public enum GuestRequest {
        public static let size = 32
        public static let messageVersion = 0
        public static let requestData = 8
        public static let responseData = 16
        public static let firmwareError = 24
        public static let vmmError = 28
    }

    /// `struct snp_report_req`: `u8 user_data[64]`, `u32 vmpl`, `u8 rsvd[28]`.
    public enum ReportRequest {
        public static let size = 96
        public static let userData = 0
        public static let vmpl = 64
    }

    /// `struct snp_ext_report_req`: the report request, `u64 certs_address`, `u32 certs_len` (padded to 8).
    public enum ExtendedReportRequest {
        public static let size = 112
        public static let certificatesAddress = 96
        public static let certificatesLength = 104
    }

    /// `struct snp_report_resp` (4000 bytes) holding MSG_REPORT_RSP: `u32 status`, `u32 report_size`, 24 reserved,
    /// then the report.
    public enum ReportResponse {
        public static let size = 4000
        public static let status = 0
        public static let reportSize = 4
        public static let report = 32
    }

    /// `vmm_error` when the certificate buffer is too small (`SNP_GUEST_VMM_ERR_INVALID_LEN`); `certs_len` then holds
    /// the size needed.
    public static let vmmErrorInvalidLength: UInt32 = 1

    static func ioctlNumber(_ number: UInt) -> UInt {
        (3 << 30) | (UInt(GuestRequest.size) << 16) | (UInt(UInt8(ascii: "S")) << 8) | number
    }
}
