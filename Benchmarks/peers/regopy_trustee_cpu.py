"""The peer measurement for the RegoEvaluation benchmark: regopy (Microsoft rego-cpp) evaluating Trustee's default
CPU policy on the same SNP claims (corpus case cpu-snp-milan-rv-match), compiled once into a bundle and queried per
iteration with the input set each time.

regopy has no host-builtin hook, so query_reference_value is the corpus' Rego shim over data.reference_values, as in
the corpus baseline. Run: python3 Benchmarks/peers/regopy_trustee_cpu.py  (pip install regopy)
"""
import json
import pathlib
import statistics
import time

import regopy

ROOT = pathlib.Path(__file__).resolve().parents[2] / "Tests/Fixtures/rego/policies/trustee"
case = next(c for c in json.loads((ROOT / "cases.json").read_text())["cases"] if c["name"] == "cpu-snp-milan-rv-match")
builder = regopy.Interpreter()
builder.add_module("ear_default_policy_cpu.rego",
                   (ROOT / "attestation-service/src/ear_token/ear_default_policy_cpu.rego").read_text())
for extra in case["extra_modules"]:
    builder.add_module(extra["name"], extra["source"])
builder.add_data(case["data"])
bundle = builder.build("x := data.policy", [])
runner = regopy.Interpreter()


def once():
    runner.set_input(case["input"])
    return runner.query_bundle(bundle)


result = str(once()).replace(" ", "")
assert '"hardware":2' in result and '"executables":3' in result, result
samples = []
deadline = time.perf_counter() + 3
while time.perf_counter() < deadline:
    start = time.perf_counter_ns()
    for _ in range(20):
        once()
    samples.append((time.perf_counter_ns() - start) / 20 / 1000)
print(f"regopy {regopy.__version__} (bundle): Trustee default CPU policy, SNP claims: "
      f"p50 {statistics.median(samples):.0f} us per query ({len(samples) * 20} queries)")
