#!/usr/bin/env bash
# Shows that Model/check.sh can fail: each mutant breaks one rule of the gate model and must be caught.
# Exits non-zero if any mutant passes.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
mutant() { # name, python replacement (old, new)
  local name="$1" old="$2" new="$3"
  python3 - "$here/gate.pml" "$work/$name.pml" "$old" "$new" <<'PY'
import sys
source = open(sys.argv[1]).read()
assert sys.argv[3] in source, "mutation anchor not found: " + sys.argv[3]
open(sys.argv[2], "w").write(source.replace(sys.argv[3], sys.argv[4], 1))
PY
  if "$here/check.sh" "$work/$name.pml" >"$work/$name.log" 2>&1; then
    echo "MUTANT SURVIVED: $name"; status=1
  else
    echo "caught: $name ($(grep -m1 '^FAIL' "$work/$name.log"))"
  fi
}
mutant "reply-names-another-uid" "toHost ! REPLY, st, u;" "toHost ! REPLY, st, (u % NU) + 1;"
mutant "app-starts-before-init" "#define INITS_DONE(c) (c == 0 || phase[0] == EXITED_OK)" "#define INITS_DONE(c) (true)"
mutant "start-from-any-phase" "#define VALID_START(c) (phase[c] == CREATED && INITS_DONE(c))" "#define VALID_START(c) (phase[c] != NONE && INITS_DONE(c))"
mutant "ready-is-never-answered" "toHost ! REPLY, st, u;" "if :: verb == V_READY -> skip :: else -> toHost ! REPLY, st, u fi;"
exit $status
