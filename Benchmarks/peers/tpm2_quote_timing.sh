#!/usr/bin/env bash
# The peer of the GuestAttestation TPM benchmark: tpm2-tools on the same swtpm, the same work per round (derive the
# RSA AK as a primary key in the endorsement hierarchy, quote SHA-256 PCRs 0-23 with a 32-byte nonce, read the PCRs),
# as separate processes the way a shell-script attester runs them. Prints the median of N rounds in milliseconds.
# Usage: HERMETIC_SWTPM_PORT=PORT Benchmarks/peers/tpm2_quote_timing.sh [N]
set -euo pipefail
port=${HERMETIC_SWTPM_PORT:?set HERMETIC_SWTPM_PORT to a running swtpm (control port one above)}
rounds=${1:-30}
export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=${port}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nonce=$(printf '42%.0s' $(seq 32))
times=()
for _ in $(seq "$rounds"); do
  start=$(date +%s%N)
  tpm2_createprimary -Q -C e -G rsa2048:rsassa-sha256:null -a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign' -c "$work/ak.ctx"
  tpm2_quote -Q -c "$work/ak.ctx" -l sha256:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23 -q "$nonce" -m "$work/msg" -s "$work/sig" -o "$work/pcrs"
  tpm2_flushcontext -t
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "tpm2-tools createprimary+quote+flush: median %.1f ms over %d rounds\n", a[int((NR + 1) / 2)] / 1000, NR }'
