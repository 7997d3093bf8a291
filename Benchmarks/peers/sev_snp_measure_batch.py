"""Peer driver for Tests/MeasureTests/SNPPeerTests.swift (and the measurement benchmark): one Python process asks
sev-snp-measure's library for the SEV-SNP launch digest of every (VMM, vCPU type, vCPU count) and prints them as
one JSON object keyed "vmm/type/count".

usage: python sev_snp_measure_batch.py OVMF.fd MAX_VCPUS qemu,ec2,gce
"""
import json
import sys

from sevsnpmeasure import guest, vcpu_types
from sevsnpmeasure.sev_mode import SevMode
from sevsnpmeasure.vmm_types import VMMType

ovmf, max_vcpus = sys.argv[1], int(sys.argv[2])
vmms = {"qemu": VMMType.QEMU, "ec2": VMMType.ec2, "gce": VMMType.gce}
# The firmware pages are hashed once (sev-snp-measure's own --snp-ovmf-hash feature) and fed back as the seed.
ovmf_hash = guest.calc_snp_ovmf_hash(ovmf).hex()
digests = {}
for vmm_name in sys.argv[3].split(","):
    for type_name, signature in vcpu_types.CPU_SIGS.items():
        for vcpus in range(1, max_vcpus + 1):
            digest = guest.calc_launch_digest(SevMode.SEV_SNP, vcpus, signature, ovmf, None, None, None, 0x1,
                                              ovmf_hash, vmms[vmm_name])
            digests[f"{vmm_name}/{type_name}/{vcpus}"] = digest.hex()
print(json.dumps(digests))
