#!/usr/bin/env bash
# Starts a throwaway swtpm for the TPM benchmarks (GuestAttestation, PodTrustPlane) and prints the environment they
# read. The TPM gets RSA and ECC EK certificates from its own swtpm-localca, so PodTrustPlane's EK-bound variant runs
# too. Usage:  eval "$(Benchmarks/swtpm-for-benchmarks.sh [PORT])"   then run the benchmarks; stop it with
# kill "$HERMETIC_SWTPM_PID". Needs swtpm, swtpm-tools (swtpm_setup, swtpm_localca).
set -euo pipefail
port="${1:-2321}"
directory="$(mktemp -d -t hermetic-bench-swtpm.XXXXXX)"
mkdir -p "$directory/state" "$directory/localca"
cat > "$directory/localca.conf" <<CONF
statedir = $directory/localca
signingkey = $directory/localca/signkey.pem
issuercert = $directory/localca/issuercert.pem
certserial = $directory/localca/certserial
CONF
cat > "$directory/setup.conf" <<CONF
create_certs_tool= /usr/bin/swtpm_localca
create_certs_tool_config = $directory/localca.conf
create_certs_tool_options = /etc/swtpm-localca.options
active_pcr_banks = sha256
CONF
swtpm_setup --tpm2 --tpm-state "$directory/state" --config "$directory/setup.conf" --create-ek-cert --create-platform-cert --overwrite >"$directory/setup.log" 2>&1
swtpm socket --tpm2 --tpmstate "dir=$directory/state" --server "type=tcp,port=$port,bindaddr=127.0.0.1" \
  --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" --flags not-need-init,startup-clear --daemon \
  --pid "file=$directory/pid" --log "file=$directory/swtpm.log,level=1"
for _ in $(seq 50); do [ -s "$directory/pid" ] && break; sleep 0.1; done
echo "export HERMETIC_SWTPM_PORT=$port"
echo "export HERMETIC_SWTPM_EK_ROOTS=$directory/localca/swtpm-localca-rootca-cert.pem,$directory/localca/issuercert.pem"
echo "export HERMETIC_SWTPM_PID=$(cat "$directory/pid")"
