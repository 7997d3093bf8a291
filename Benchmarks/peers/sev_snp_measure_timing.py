"""Times sev-snp-measure (pip) on the cases of Benchmarks/LaunchMeasurement, in process, on the same firmware:

  SNP: firmware pages and metadata       calc_snp_ovmf_hash + the metadata sections (one launch digest with 1 vCPU)
  SNP: launch digest, 64 EPYC-Milan vCPUs  calc_launch_digest with the firmware hash precomputed (its --snp-ovmf-hash)
  SNP: 16 models x 1..64 vCPUs           the same for every model and count (1,024 digests)

usage: python sev_snp_measure_timing.py [OVMF.fd]   (default: Tests/Fixtures/ovmf/OVMF.fd)
"""
import os
import sys
import time

from sevsnpmeasure import guest, vcpu_types
from sevsnpmeasure.sev_mode import SevMode
from sevsnpmeasure.vmm_types import VMMType

here = os.path.dirname(os.path.abspath(__file__))
ovmf = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "Tests", "Fixtures", "ovmf", "OVMF.fd")
milan = vcpu_types.CPU_SIGS["EPYC-Milan"]


def timed(name, repeat, body):
    body()
    start = time.perf_counter()
    for _ in range(repeat):
        body()
    each = (time.perf_counter() - start) / repeat
    print(f"{name}: {each * 1e3:.2f} ms")


timed("SNP: firmware pages and metadata (OVMF.fd, 2 MiB)", 20,
      lambda: guest.calc_launch_digest(SevMode.SEV_SNP, 1, milan, ovmf, None, None, None, 0x1, "", VMMType.QEMU))
ovmf_hash = guest.calc_snp_ovmf_hash(ovmf).hex()
timed("SNP: launch digest, 64 EPYC-Milan vCPUs on a prepared firmware", 20,
      lambda: guest.calc_launch_digest(SevMode.SEV_SNP, 64, milan, ovmf, None, None, None, 0x1, ovmf_hash, VMMType.QEMU))
timed("SNP: 16 models x 1..64 vCPUs (1,024 digests) on a prepared firmware", 1,
      lambda: [guest.calc_launch_digest(SevMode.SEV_SNP, n, sig, ovmf, None, None, None, 0x1, ovmf_hash, VMMType.QEMU)
               for sig in vcpu_types.CPU_SIGS.values() for n in range(1, 65)])
