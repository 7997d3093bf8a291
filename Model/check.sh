#!/usr/bin/env bash
# Checks the gate's Promela model (Model/gate.pml) with spin: safety (assertions P1, P2 and deadlocks), the LTL
# invariant P3, and the liveness property P4 under weak fairness. Exits non-zero if spin finds any error or is absent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
model="${1:-$here/gate.pml}"
command -v spin >/dev/null || { echo "check.sh: spin is not installed (apt-get install spin)" >&2; exit 2; }
command -v gcc >/dev/null || { echo "check.sh: gcc is not installed" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$model" "$work/gate.pml"
cd "$work"
spin -a gate.pml >/dev/null

run() { # name, gcc flags, pan flags
  local name="$1" cflags="$2" panflags="$3"
  gcc -O2 -w $cflags -o "pan-$name" pan.c
  local out
  out="$(./pan-$name $panflags 2>&1)" || true
  local errors
  rm -f gate.pml.trail
  errors="$(printf '%s\n' "$out" | sed -nE 's/.*errors: ([0-9]+).*/\1/p' | tail -n 1)"
  local states
  states="$(printf '%s\n' "$out" | sed -nE 's/^ *([0-9.e+]+) states, stored.*/\1/p' | head -n 1)"
  if [ "$errors" != "0" ]; then
    printf '%s\n' "$out"
    echo "FAIL $name (errors: ${errors:-unknown})"
    if [ -f gate.pml.trail ]; then spin -t -p gate.pml | head -n 80; fi
    exit 1
  fi
  if printf '%s\n' "$out" | grep -q 'search not completed\|max search depth too small'; then
    printf '%s\n' "$out"
    echo "FAIL $name (search incomplete)"
    exit 1
  fi
  echo "ok   $name ($states states)"
}

run "safety-P1-P2" "-DNOCLAIM -DSAFETY -DCOLLAPSE" "-m1000000"
run "init-first-P3" "-DCOLLAPSE" "-a -m1000000 -N init_first"
run "answered-P4" "-DNFAIR=3 -DCOLLAPSE -DNOREDUCE" "-a -f -m1000000 -N answered"
