#!/usr/bin/env python3
"""Runs dcap-qvl (Phala-Network's Rust DCAP verifier, `pip install dcap-qvl`) and Hermetic over the same TDX and SGX
quotes, collateral and verification times, and prints per sample both TCB statuses and both times.

dcap-qvl takes collateral as its `QuoteCollateralV3` JSON; for samples whose collateral is an Intel PCS directory the
script builds that JSON from the same files Hermetic reads (inner tcbInfo / enclaveIdentity JSON cut out as served,
CRLs as DER hex, issuer chains as PEM).

Hermetic is timed two ways: `TDXTiming` (the Benchmarks package executable: collateral loaded and checked once, the
quote verified many times in-process, the steady state) when it is built, and the `hermetic verify` process once
per sample (start-up included).

    cd Benchmarks && swift build -c release --product TDXTiming && cd ..
    swift build -c release --product hermetic
    python3 Benchmarks/peers/dcapqvl_compare.py [--hermetic .build/release/hermetic] \
        [--timing Benchmarks/.build/release/TDXTiming] [--json]
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")

# (name, quote, collateral paths, time): the samples of Tests/Fixtures/tdx and sgx with the collateral and the time
# the tests use.
SAMPLES = [
    ("dcapqvl-tdx", "tdx/dcapqvl-tdx/tdx_quote", ["tdx/dcapqvl-tdx/tdx_quote_collateral.json"], "2025-07-04T10:00:00Z"),
    ("dcapqvl-sgx", "sgx/dcapqvl-sgx/sgx_quote", ["sgx/dcapqvl-sgx/sgx_quote_collateral.json"], "2025-07-04T10:00:00Z"),
    ("gotdxguest-spr-e4", "tdx/gotdxguest-spr-e4/tdx_prod_quote_SPR_E4.dat", ["tdx/gotdxguest-spr-e4"], "2023-06-28T08:00:00Z"),
    ("trustee-quote-4 (debug TD)", "tdx/trustee/tdx_quote_4.dat", ["tdx/gotdxguest-spr-e4"], "2023-06-28T08:00:00Z"),
    ("trustee-quote-5 (v5, TD 1.5)", "tdx/trustee/tdx_quote_5.dat", ["tdx/_collateral-tinfoil-2026"], "2026-01-27T15:00:00Z"),
    ("trustee-quote-6", "tdx/trustee/tdx_quote_6.dat", ["tdx/_collateral-tinfoil-2026"], "2026-01-27T16:00:00Z"),
    ("gotdxguest-quote-v5", "tdx/gotdxguest-quote-v5/quote_v5_sample.dat", ["tdx/_collateral-tinfoil-2026"], "2026-02-04T03:00:00Z"),
]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def inner_json(text, key):
    """The exact text of the value of `key` in the outer object, and the outer signature."""
    outer = json.loads(text)
    start = text.index('"%s"' % key)
    start = text.index("{", start)
    _, end = json.JSONDecoder().raw_decode(text, start)
    return text[start:end], outer["signature"]


def chain_text(raw):
    text = raw.decode().strip()
    return urllib.parse.unquote(text) if "%" in text else text


def der_from(raw):
    if raw.lstrip().startswith(b"-----BEGIN"):
        import base64
        body = b"".join(line for line in raw.splitlines() if line and not line.startswith(b"-----"))
        return base64.b64decode(body)
    return raw


def directory_collateral(directory, quote):
    """QuoteCollateralV3 JSON built from a PCS directory (tinfoil or go-tdx-guest file names)."""
    from cryptography import x509

    files = {name: read(os.path.join(directory, name)) for name in os.listdir(directory)}
    pem_start = quote.find(b"-----BEGIN CERTIFICATE-----")
    leaf = x509.load_pem_x509_certificate(quote[pem_start:quote.find(b"-----END CERTIFICATE-----", pem_start) + 25])
    fmspc = None
    for ext in leaf.extensions:
        if ext.oid.dotted_string == "1.2.840.113741.1.13.1":
            value = ext.value.value
            marker = bytes.fromhex("060a2a864886f84d010d0104")
            at = value.index(marker) + len(marker)
            fmspc = value[at + 2:at + 8].hex()
    processor = "Processor" in leaf.issuer.rfc4514_string()

    def pick(*names):
        for name in names:
            if name in files:
                return files[name]
        raise KeyError(names)

    tcb_text = pick("tcb_info_%s.json" % fmspc, "sample_tcbInfo_response").decode()
    tcb_info, tcb_sig = inner_json(tcb_text, "tcbInfo")
    qe_text = pick("qe_identity.json", "sample_qeIdentity_response").decode()
    qe_identity, qe_sig = inner_json(qe_text, "enclaveIdentity")
    kind = "processor" if processor else "platform"
    return json.dumps({
        "pck_crl_issuer_chain": chain_text(pick("pck_crl_%s_chain.txt" % kind, "pck_crl_issuer_chain.pem")),
        "root_ca_crl": der_from(pick("root_ca.crl", "rootcrl.der")).hex(),
        "pck_crl": der_from(pick("pck_crl_%s.crl" % kind, "pckcrl")).hex(),
        "tcb_info_issuer_chain": chain_text(pick("tcb_info_%s_chain.txt" % fmspc, "tcb_info_issuer_chain.pem")),
        "tcb_info": tcb_info,
        "tcb_info_signature": tcb_sig,
        "qe_identity_issuer_chain": chain_text(pick("qe_identity_chain.txt", "qe_identity_issuer_chain.pem")),
        "qe_identity": qe_identity,
        "qe_identity_signature": qe_sig,
    })


def collateral_json(paths, quote):
    path = os.path.join(FIXTURES, paths[0])
    return directory_collateral(path, quote) if os.path.isdir(path) else read(path).decode()


def seconds(at):
    return int(datetime.datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp())


def run_dcapqvl(quote, collateral, at, repeat):
    import dcap_qvl

    parsed = dcap_qvl.QuoteCollateralV3.from_json(collateral)
    try:
        result = dcap_qvl.verify(quote, parsed, seconds(at))
        status = result.status
    except Exception as error:  # dcap-qvl reports every failure as an exception with a message
        status = "rejected: " + str(error).splitlines()[0]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            dcap_qvl.verify(quote, parsed, seconds(at))
        except Exception:
            pass
        times.append(time.perf_counter() - start)
    return status, statistics.median(times) * 1e6


# dcap-qvl accepts every TCB status but Revoked and refuses debug TDs and enclaves; Hermetic is given the same policy.
POLICY = "accepted_tcb_statuses: [UpToDate, SWHardeningNeeded, ConfigurationNeeded, ConfigurationAndSWHardeningNeeded, " \
         "OutOfDate, OutOfDateConfigurationNeeded]\nallow_debug: false\n"


def hermetic_status(binary, tee, quote_path, paths, at, policy):
    arguments = [binary, "verify", "--tee", tee, "--evidence", quote_path, "--at", at, "--json", "--policy", policy]
    for path in paths:
        arguments += ["--collateral", os.path.join(FIXTURES, path)]
    start = time.perf_counter()
    run = subprocess.run(arguments, capture_output=True, text=True)
    elapsed = (time.perf_counter() - start) * 1e3
    try:
        verdict = json.loads(run.stdout)
    except json.JSONDecodeError:
        return "error: " + run.stderr.strip(), elapsed
    if verdict.get("verdict") == "accepted":
        return verdict["devices"][0]["claims"]["tcb_status"], elapsed
    error = verdict.get("error", {})
    return "rejected: %s: %s" % (error.get("check"), error.get("message")), elapsed


def hermetic_timing(binary, tee, quote_path, paths, at, policy):
    arguments = [binary, "--tee", tee, "--evidence", quote_path, "--at", at, "--policy", policy]
    for path in paths:
        arguments += ["--collateral", os.path.join(FIXTURES, path)]
    run = subprocess.run(arguments, capture_output=True, text=True)
    try:
        return json.loads(run.stdout)["p50_us"]
    except (json.JSONDecodeError, KeyError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hermetic", default=os.path.join(ROOT, ".build", "release", "hermetic"))
    parser.add_argument("--timing", default=os.path.join(ROOT, "Benchmarks", ".build", "release", "TDXTiming"))
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    options = parser.parse_args()
    try:
        import dcap_qvl  # noqa: F401
    except ImportError:
        sys.exit("dcap-qvl is not installed: pip install dcap-qvl")

    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        handle.write(POLICY)
        policy = handle.name
    rows = []
    for name, quote_rel, paths, at in SAMPLES:
        quote_path = os.path.join(FIXTURES, quote_rel)
        quote = read(quote_path)
        tee = "sgx" if quote_rel.startswith("sgx/") else "tdx"
        dcap_status, dcap_us = run_dcapqvl(quote, collateral_json(paths, quote), at, options.repeat)
        row = {"sample": name, "quote": quote_rel, "at": at, "dcap_qvl_status": dcap_status, "dcap_qvl_us": round(dcap_us, 1)}
        if os.path.exists(options.hermetic):
            row["hermetic_status"], row["hermetic_process_ms"] = hermetic_status(options.hermetic, tee, quote_path, paths, at, policy)
            row["hermetic_process_ms"] = round(row["hermetic_process_ms"], 1)
        if os.path.exists(options.timing):
            row["hermetic_us"] = hermetic_timing(options.timing, tee, quote_path, paths, at, policy)
        rows.append(row)
    os.unlink(policy)

    if options.json:
        print(json.dumps(rows, indent=2))
        return
    print("| sample | dcap-qvl status | Hermetic status | dcap-qvl µs/quote | Hermetic µs/quote | hermetic process ms |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| %s | %s | %s | %s | %s | %s |" % (
            row["sample"], row["dcap_qvl_status"], row.get("hermetic_status", "(not built)"), row["dcap_qvl_us"],
            row.get("hermetic_us", "(not built)"), row.get("hermetic_process_ms", "(not built)")))


if __name__ == "__main__":
    main()
