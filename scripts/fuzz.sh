#!/usr/bin/env bash
# Fuzz the compiled h11typed with atheris/libFuzzer: one bounded run per target.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
#
# Targets: fuzz/fuzz_server.py (h11typed receives requests) and
# fuzz/fuzz_client.py (it receives responses); see fuzz/README.md.
#
# Set-up, all done here: .venv-fuzz gets requirements/fuzz.txt and the compiled
# wheel, dist/h11typed-*.whl when it is newer than the sources (as after
# scripts/setup-venvs.sh), otherwise a wheel built now from a copy of the tree.
#
# Each target starts from the kept corpus fuzz/corpus/<role>/, which it only
# reads: new inputs go to a scratch directory, so the checkout is not modified.
# With FUZZ_KEEP=1 the new inputs that add coverage are merged into the kept
# corpus (libFuzzer -set_cover_merge=1); commit them.
#
# Environment: FUZZ_OUT (default: a temporary directory) receives each target's
# log, its new inputs and any crash reproducer; FUZZ_TARGETS (default
# "server client") picks targets. One core per target, targets one after another.
# Exits non-zero if a target crashed (a finding) or could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRIPT=fuzz
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

seconds=${1:-60}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
    exit 2
fi
targets=${FUZZ_TARGETS:-server client}
out=${FUZZ_OUT:-$(mktemp -d -t h11typed-fuzz.XXXXXX)}
mkdir -p "$out"
venv=.venv-fuzz
start=$SECONDS

# --- set-up -------------------------------------------------------------------
if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    rm -rf "$venv"
    quietly "create $venv" "$PYTHON" -m venv "$venv"
fi
quietly "install requirements/fuzz.txt into $venv" "$venv/bin/python" -m pip install -r requirements/fuzz.txt

# The compiled wheel: dist/'s if no build input is newer than it, else a fresh one.
wheel=""
shopt -s nullglob
# scripts/test.sh leaves one wheel per Python in dist/: the fuzz venv's is the oldest's.
oldest=${SUPPORTED_PYTHONS[0]}
wheels=(dist/h11typed-*-cp${oldest/./}-*.whl)
shopt -u nullglob
if [ ${#wheels[@]} -eq 1 ] && [ -z "$(find src/h11typed setup.py pyproject.toml mypy.ini -newer "${wheels[0]}" -print -quit)" ]; then
    wheel=${wheels[0]}
else
    # Build from a copy: setuptools builds in-tree (build/, *.egg-info), and the
    # checkout may be in use by other builds.
    tree=$(mktemp -d -t h11typed-fuzz-build.XXXXXX)
    cp -r pyproject.toml setup.py README.md LICENSE MANIFEST.in mypy.ini src "$tree/"
    [ -d stubs ] && cp -r stubs "$tree/"
    rm -rf "$tree"/src/*.egg-info "$tree"/build
    H11TYPED_COMPILE=1 quietly "build the compiled wheel" \
        "$venv/bin/python" -m pip wheel --no-deps -w "$out/wheel" "$tree"
    rm -rf "$tree"
    wheel=$(echo "$out"/wheel/h11typed-*.whl)
fi
quietly "install $wheel into $venv" "$venv/bin/python" -m pip install --force-reinstall --no-deps "$wheel"
echo "fuzz: $venv ready with $wheel in $((SECONDS - start))s; ${seconds}s per target; output in $out"

# --- fuzzing ------------------------------------------------------------------
failed=0
summary=()
for role in $targets; do
    kept=fuzz/corpus/$role
    new=$out/corpus-$role
    log=$out/$role.log
    mkdir -p "$new" "$out/crashes-$role"
    began=$SECONDS
    # New units are written to the first corpus directory ($new); $kept is only read.
    # The harness adds -max_len=8192 -timeout=20 (fuzz/harness.py).
    rc=0
    "$venv/bin/python" "fuzz/fuzz_$role.py" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$out/crashes-$role/" "$new" "$kept" >"$log" 2>&1 || rc=$?
    took=$((SECONDS - began))
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
    cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
    added=$(find "$new" -type f | wc -l)
    if [ "$rc" -ne 0 ]; then
        failed=1
        status="CRASHED (exit $rc)"
        echo "fuzz: $role target failed; the end of $log:" >&2
        tail -n 60 "$log" >&2
        for crash in "$out/crashes-$role"/*; do
            [ -f "$crash" ] || continue
            echo "fuzz: reproducer $crash, replay with:" >&2
            echo "  $venv/bin/python fuzz/replay.py $role $crash" >&2
            "$venv/bin/python" -c 'import sys; print("  input:", repr(open(sys.argv[1], "rb").read()))' "$crash" >&2
        done
    else
        status=ok
        if [ "${FUZZ_KEEP:-0}" = 1 ] && [ "$added" -gt 0 ]; then
            quietly "merge new $role inputs into $kept" \
                "$venv/bin/python" "fuzz/fuzz_$role.py" -set_cover_merge=1 "$kept" "$new"
        fi
    fi
    summary+=("$(printf '%-7s %-18s %4ss  %8s execs  %-22s %4s new inputs' \
        "$role" "$status" "$took" "${execs:-?}" "${cov:-cov: ?}" "$added")")
done

echo "fuzz summary (cov = edges of the instrumented pure copy; ft = libFuzzer features):"
printf '  %s\n' "${summary[@]}"
echo "fuzz: done in $((SECONDS - start))s"
exit "$failed"
