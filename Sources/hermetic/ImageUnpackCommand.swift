import ArgumentParser
import Foundation
import HermeticCore
import ImageUnpack
import OCI

extension ImageCommand {
    /// `hermetic image unpack oci:DIR[:TAG] ROOTFS`.
    struct Unpack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unpack an image's layers into a new root directory (OCI whiteouts; paths that escape the root refused)."
        )

        @Argument(help: "The image, oci:DIR[:TAG].") var image: String
        @Argument(help: "The root directory to create.") var rootfs: String
        @Flag(help: "Create character and block devices (skipped otherwise).") var devices = false

        func run() async throws {
            try await ImageCommand.reportingFailures {
                let report = try ImageUnpacker(allowDevices: devices).unpack(from: try LayoutReference(parsing: image), to: rootfs)
                print("unpacked: \(report.layers) layer(s) into \(rootfs)" + (report.skippedDevices > 0 ? ", \(report.skippedDevices) device(s) skipped" : ""))
            }
        }
    }
}
