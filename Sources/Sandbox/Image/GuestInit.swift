/// The guest's `/init`: a busybox script that loads the modules, mounts proc, sys, devtmpfs, securityfs and the
/// cgroup2 hierarchy (runc's containers need it), brings
/// up the network (10.0.2.15/24 behind QEMU's restricted user-mode network), finds the virtio-serial port named
/// ``GuestInit/portName`` through `/sys/class/virtio-ports/*/name`, and then either execs the agent (when the image
/// has one, at ``GuestInit/agentPath``, with the port's device in `HERMETIC_PORT`: `hermetic-agent pod`, which
/// attests and fetches the resource the command line names, then the guest powers off) or reports the boot:
///
/// ```
/// READY
/// EVENTLOG-BEGIN
/// <base64 lines of /sys/kernel/security/tpm0/binary_bios_measurements>
/// EVENTLOG-END
/// PCR <bank> <index> <hex>          one per PCR 0–23 of every bank in /sys/class/tpm/tpm0/pcr-*
/// INITDATA <sha256 hex>             when fw_cfg carries opt/hermetic/initdata
/// FETCH <url> <sha256 hex | failed>  for each URL of `hermetic.fetch=URL[,URL…]` on the command line (fetched
///                                    at once, 8 s each, with `timeout` because Debian's busybox-static 1.35
///                                    `wget -T` segfaults)
/// DONE
/// ```
///
/// then waits up to 10 s for the host's `BYE` and powers off.
public enum GuestInit {
    /// The control port's name (QEMU `virtserialport,name=…`).
    public static let portName = "hermetic.0"
    /// The fw_cfg file carrying init-data.
    public static let initDataFile = "opt/hermetic/initdata"
    /// Where the agent goes in the image.
    public static let agentPath = "/usr/bin/hermetic-agent"
    /// Where module files go in the image.
    public static let moduleDirectory = "/lib/modules/hermetic"

    /// The script for `modules` (names, in load order).
    public static func script(modules: [String]) -> String {
        let loads = modules.map { "insmod \(moduleDirectory)/\($0).ko" }.joined(separator: "\n")
        return """
            #!/bin/busybox sh
            /bin/busybox --install -s /bin
            export PATH=/usr/bin:/usr/sbin:/bin:/sbin
            mount -t proc proc /proc
            mount -t sysfs sysfs /sys
            mount -t devtmpfs devtmpfs /dev
            mount -t securityfs securityfs /sys/kernel/security
            mkdir -p /dev/pts /tmp /run && mount -t tmpfs tmpfs /tmp && mount -t tmpfs tmpfs /run
            mkdir -p /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup
            \(loads)
            ip link set lo up
            if ip link show eth0 >/dev/null 2>&1; then
              ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2
            fi
            port=""
            for entry in /sys/class/virtio-ports/*; do
              [ "$(cat "$entry/name" 2>/dev/null)" = "\(portName)" ] && port="/dev/${entry##*/}"
            done
            if [ -z "$port" ]; then
              echo "hermetic-init: no virtio-serial port named \(portName)" > /dev/console
              poweroff -f
            fi
            if [ -x \(agentPath) ]; then
              HERMETIC_PORT="$port" \(agentPath) pod
              poweroff -f
            fi
            exec 3<>"$port"
            echo READY >&3
            echo EVENTLOG-BEGIN >&3
            base64 /sys/kernel/security/tpm0/binary_bios_measurements >&3
            echo EVENTLOG-END >&3
            for bank in /sys/class/tpm/tpm0/pcr-*; do
              name="${bank##*/pcr-}"
              for index in $(seq 0 23); do echo "PCR $name $index $(cat "$bank/$index")" >&3; done
            done
            initdata=/sys/firmware/qemu_fw_cfg/by_name/\(initDataFile)/raw
            if [ -r "$initdata" ]; then
              echo "INITDATA $(sha256sum < "$initdata" | cut -d ' ' -f 1)" >&3
            fi
            fetches=0
            for word in $(cat /proc/cmdline); do
              case "$word" in
                hermetic.fetch=*)
                  for url in $(echo "${word#hermetic.fetch=}" | tr ',' ' '); do
                    fetches=$((fetches + 1))
                    (
                      if timeout 8 wget -q -O /tmp/fetch.$fetches "$url" 2>/dev/null; then
                        echo "FETCH $url $(sha256sum < /tmp/fetch.$fetches | cut -d ' ' -f 1)" > /tmp/fetch.$fetches.line
                      else
                        echo "FETCH $url failed" > /tmp/fetch.$fetches.line
                      fi
                    ) &
                  done;;
              esac
            done
            wait
            for index in $(seq 1 $fetches); do cat /tmp/fetch.$index.line >&3; done
            echo DONE >&3
            read -t 10 reply <&3
            poweroff -f

            """
    }
}
