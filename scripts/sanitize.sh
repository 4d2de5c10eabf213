#!/usr/bin/env bash
# Run the compiled h11typed under AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer:
#
#   scripts/sanitize.sh [SECONDS_PER_FUZZ_TARGET]      (default 60)
#
# 1. build   the mypyc extension with clang -fsanitize=address,undefined,fuzzer-no-link
#            (-O1, with debug info and mypyc's runtime asserts), installed into
#            .venv-asan with requirements/test.txt and requirements/fuzz.txt;
# 2. tests   the unit test suite (-m "not integration") against that build;
# 3. corpus  every input of fuzz/corpus/ through fuzz/replay.py;
# 4. soak    8000 cycles of benchmarks/soak.py (a smoke run of the soak);
# 5. fuzz    each fuzz target for SECONDS (fuzz/sanitize_fuzz.py). libFuzzer sees
#            the edges of the instrumented C as well as those of the pure copy.
#            The inputs it adds are then replayed with leak detection (new-ROLE).
#
# The sanitizer runtime comes from atheris's wheel (asan_with_fuzzer.so: clang's
# ASan+UBSan runtime with libFuzzer) and is preloaded into the interpreter, which
# is not itself built with ASan. PYTHONMALLOC=malloc so every object allocation
# goes through ASan's malloc. Leak detection is on; the only suppressions are
# the interpreter's own allocations (scripts/sanitizers/lsan-suppressions.txt)
# and one mypyc runtime idiom (scripts/sanitizers/ubsan-suppressions.txt).
#
# clang comes from Debian (installed here with apt-get when missing and root).
# Any sanitizer report, or any failing step, fails the run and the report is
# shown. SANITIZE_OUT (default: a temporary directory) keeps the logs.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRIPT=sanitize
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/sanitize.sh [SECONDS_PER_FUZZ_TARGET]  (0: no fuzzing)" >&2
    exit 2
fi
out=${SANITIZE_OUT:-$(mktemp -d -t h11typed-sanitize.XXXXXX)}
mkdir -p "$out"
venv=.venv-asan
root=$PWD
start=$SECONDS

# --- set-up -------------------------------------------------------------------
if ! command -v clang >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        quietly "apt-get update" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive quietly "install clang" apt-get install -y -qq clang
    else
        echo "sanitize: clang is missing and cannot be installed here (not root or no apt-get)" >&2
        exit 1
    fi
fi
if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    rm -rf "$venv"
    quietly "create $venv" "$PYTHON" -m venv "$venv"
fi
quietly "install requirements/test.txt and requirements/fuzz.txt into $venv" \
    "$venv/bin/python" -m pip install -r requirements/test.txt -r requirements/fuzz.txt
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
runtime=$site/asan_with_fuzzer.so
if [ ! -f "$runtime" ]; then
    echo "sanitize: $runtime is missing (it comes with atheris's wheel)" >&2
    exit 1
fi

# Build from a copy: setuptools builds in-tree, and the checkout may be in use.
# Clang must compile: the preloaded runtime is clang's. setuptools puts $CFLAGS after
# the interpreter's own flags, which include -DNDEBUG and -fwrapv: mypyc's runtime
# asserts are compiled out and signed overflow wraps (UBSan does not report it). Undoing
# them (-UNDEBUG -fno-wrapv) is left for a run that can look at what they turn up.
sanitizers=address,undefined,fuzzer-no-link
tree=$(mktemp -d -t h11typed-sanitize-build.XXXXXX)
cp -r pyproject.toml setup.py README.md LICENSE MANIFEST.in mypy.ini src "$tree/"
[ -d stubs ] && cp -r stubs "$tree/"
rm -rf "$tree"/src/*.egg-info "$tree"/build
(
    cd "$tree"
    H11TYPED_COMPILE=1 MYPYC_OPT_LEVEL=1 MYPYC_DEBUG_LEVEL=1 \
        CC=clang LDSHARED="clang -shared" \
        CFLAGS="-fsanitize=$sanitizers -fno-omit-frame-pointer" LDFLAGS="-fsanitize=$sanitizers" \
        quietly "build the sanitizer-instrumented wheel" \
        "$root/$venv/bin/python" -m pip wheel --no-build-isolation --no-deps -w "$out/wheel" .
)
rm -rf "$tree"
wheel=$(echo "$out"/wheel/h11typed-*.whl)
quietly "install $wheel into $venv" "$venv/bin/python" -m pip install --force-reinstall --no-deps "$wheel"
# Refuse to go on with an uninstrumented build: that would pass whatever the input.
# (The symbol list is read whole: `grep -q` would stop reading at the first match, nm
# would die of SIGPIPE, and pipefail would turn that into a failure now and then.)
for so in "$site"/h11typed__mypyc*.so; do
    symbols=$(nm -D "$so")
    if ! grep -q ' U __asan_init' <<<"$symbols"; then
        echo "sanitize: $so is not built with AddressSanitizer" >&2
        exit 1
    fi
done
echo "sanitize: $venv ready with the instrumented build in $((SECONDS - start))s; logs in $out"

# --- the runs -----------------------------------------------------------------
# The sanitizer environment, for the commands below only (pip and the build ran
# without). Reports are written to files (log_path, one per process), so that
# none is lost in output that pytest or a test captures.
reports=$out/reports
mkdir -p "$reports"
asan_options="detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=86:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
lsan_options="suppressions=$root/scripts/sanitizers/lsan-suppressions.txt:print_suppressions=0:exitcode=86"
ubsan_options="suppressions=$root/scripts/sanitizers/ubsan-suppressions.txt:halt_on_error=1:print_stacktrace=1:exitcode=86"
# Sanitizer reports in a log; a "runtime error:" line is UBSan's.
report_pattern='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: [A-Za-z]*Sanitizer'

failed=0
summary=()

# step NAME DETAIL-COMMAND COMMAND...: run COMMAND with the sanitizers, its output in
# $out/NAME.log and its reports in $reports/NAME.PID; a non-zero exit or any report
# fails the step (the reports and the end of the log are shown). DETAIL-COMMAND
# (given the log) prints the figures for the summary.
step() {
    local name=$1 detail=$2
    shift 2
    local log=$out/$name.log began=$SECONDS rc=0 status=ok report
    env LD_PRELOAD="$runtime" PYTHONMALLOC=malloc H11TYPED_EXPECT_BUILD=mypyc \
        ASAN_OPTIONS="$asan_options${STEP_ASAN_OPTIONS:-}:log_path=$reports/$name" LSAN_OPTIONS="$lsan_options" \
        UBSAN_OPTIONS="$ubsan_options:log_path=$reports/$name" \
        "$@" >"$log" 2>&1 || rc=$?
    if compgen -G "$reports/$name.*" >/dev/null || grep -qE "$report_pattern" "$log"; then
        status="SANITIZER REPORT"
        [ "$rc" -ne 0 ] || rc=86
    elif [ "$rc" -ne 0 ]; then
        status="FAILED (exit $rc)"
    fi
    if [ "$rc" -ne 0 ]; then
        failed=1
        echo "sanitize: $name failed ($status); the reports and the end of $log:" >&2
        for report in "$reports/$name".*; do
            [ -f "$report" ] || continue
            echo "--- $report ---" >&2
            head -n 120 "$report" >&2
        done
        echo "--- end of $log ---" >&2
        tail -n 40 "$log" >&2
    fi
    summary+=("$(printf '%-14s %-18s %4ss  %s' "$name" "$status" $((SECONDS - began)) "$($detail "$log")")")
}

# pytest -q's closing line, e.g. "3079 passed, 14 skipped, 119 deselected in 232.59s (0:03:52)"
pytest_figures() { grep -E '(passed|failed|error).* in [0-9.]+s' "$1" | tail -n 1 | tr -d '=' | sed 's/^ *//;s/ *$//'; }
replay_figures() { grep -E '^replay: ' "$1" | tail -n 1 || true; }
# (Its RSS figures mean nothing here: ASan holds freed memory in quarantine.)
soak_figures() { grep -oE '^soak: [0-9]+ cycles' "$1" | sed 's/^soak: //' || true; }
fuzz_figures() {
    local execs cov
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$1" | tail -n 1 | grep -oE '[0-9]+$' || true)
    cov=$(grep -E '^#[0-9]+' "$1" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
    echo "${execs:-?} execs  ${cov:-cov: ?}"
}

# The unit tests ("dev" Hypothesis profile: under ASan every example costs ~10x).
# test_ab_keep_alive.py is left out: it runs ApacheBench, a C program that would
# inherit the preloaded runtime and have its own leaks reported.
HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-dev} \
    step tests pytest_figures "$venv/bin/python" -m pytest -p no:cacheprovider -q -m "not integration" \
    --ignore=tests/test_ab_keep_alive.py tests

for role in server client; do
    step "corpus-$role" replay_figures "$venv/bin/python" fuzz/replay.py "$role" "fuzz/corpus/$role"
done

# A short soak (benchmarks/soak.py): long-lived connections, pipelining, rejections.
step soak soak_figures "$venv/bin/python" benchmarks/soak.py --cycles 8000

if [ "$seconds" -gt 0 ]; then
    for role in server client; do
        mkdir -p "$out/corpus-$role" "$out/crashes-$role"
        # ASan and UBSan watch every input, but leaks are not checked in this
        # process: libFuzzer exits from inside live Python frames, which CPython
        # keeps outside the memory LeakSanitizer scans, so what only they hold
        # shows as leaked (fuzz/README.md). The new inputs are replayed below,
        # with leak detection, in a process that exits normally.
        STEP_ASAN_OPTIONS=:detect_leaks=0 step "fuzz-$role" fuzz_figures \
            "$venv/bin/python" fuzz/sanitize_fuzz.py "$role" \
            -max_total_time="$seconds" -print_final_stats=1 -detect_leaks=0 \
            -artifact_prefix="$out/crashes-$role/" "$out/corpus-$role" "fuzz/corpus/$role"
        if compgen -G "$out/corpus-$role/*" >/dev/null; then
            step "new-$role" replay_figures "$venv/bin/python" fuzz/replay.py "$role" "$out/corpus-$role"
        fi
    done
fi

echo "sanitize summary (ASan+LSan+UBSan; fuzz cov = edges of the instrumented C and the pure copy):"
printf '  %s\n' "${summary[@]}"
echo "sanitize: done in $((SECONDS - start))s"
exit "$failed"
