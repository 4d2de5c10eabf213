#!/usr/bin/env bash
# Type-check h11typed and run its test suite against both builds:
#
#   1. setup     scripts/system-deps.sh (ab, curl) and scripts/setup-venvs.sh
#                (rebuilds and reinstalls both builds)
#   2. mypy      --strict over src, tests, examples, benchmarks, fuzz (those that exist)
#   3. mypyc     pytest against the compiled wheel installed in .venv-mypyc
#   4. pure      pytest against the pure install in .venv-pure, with line and
#                branch coverage of the installed package
#
# Every leg runs even if an earlier one failed; the exit status is non-zero if
# any failed. pytest's exit 5 ("no tests collected") counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

# Coverage gate for the pure build: 100% of lines and branches (set ENFORCE_COVERAGE
# to false to report without failing).
COVERAGE_FAIL_UNDER=100
ENFORCE_COVERAGE=true

# More Hypothesis examples than the dev default (profiles: tests/conftest.py).
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"

failed=0
summary=()      # one line per leg, printed at the end
total_passed=0
total_failed=0
total_skipped=0

# record LEG RC SECONDS [DETAIL]: remember a leg's outcome for the summary.
record() {
    local status=ok
    if [ "$2" -ne 0 ]; then status="FAILED (exit $2)"; failed=1; fi
    summary+=("$(printf '%-13s %-16s %5ss  %s' "$1" "$status" "$3" "${4:-}")")
}

# count WORDS LINE: the sum of the numbers before WORDS (a regex such as
# 'failed|errors?') in pytest's closing line; 0 if absent.
count() {
    local n total=0
    for n in $(grep -oE "[0-9]+ ($1)" <<<"$2" | grep -oE '^[0-9]+'); do
        total=$((total + n))
    done
    echo "$total"
}

# run_pytest BUILD PYTHON [ARGS...]: run the suite with PYTHON, check that the
# imported h11typed is BUILD (mypyc|pure), and record pass/fail counts.
run_pytest() {
    local build=$1 python=$2
    shift 2
    local log rc line passed failed_n skipped start=$SECONDS
    log=$(mktemp)
    echo
    echo "=== pytest: $build build ==="
    # --durations: the slowest tests, to keep an eye on the suite's run time.
    H11TYPED_EXPECT_BUILD=$build "$python" -m pytest -p no:cacheprovider --durations=10 "$@" 2>&1 \
        | tee "$log"
    rc=${PIPESTATUS[0]}
    # pytest's closing line, e.g. "==== 12 passed, 1 skipped in 0.31s ===="
    line=$(grep -E '^=+ .* in [0-9.]+s' "$log" | tail -n 1)
    passed=$(count passed "$line")
    failed_n=$(count 'failed|errors?' "$line")
    skipped=$(count skipped "$line")
    # A run that ended without counting a failure (usage error, no tests
    # collected, crash) still counts as one, so the total line never hides it.
    if [ "$rc" -ne 0 ] && [ "$failed_n" -eq 0 ]; then failed_n=1; fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed_n))
    total_skipped=$((total_skipped + skipped))
    local detail="$passed passed, $failed_n failed, $skipped skipped"
    if [ "$build" = pure ]; then
        local cov
        cov=$(grep -E '^TOTAL ' "$log" | tail -n 1 | awk '{print $NF}')
        detail+="  (coverage ${cov:-?}; gate ${COVERAGE_FAIL_UNDER}% enforced: $ENFORCE_COVERAGE)"
    fi
    rm -f "$log"
    record "pytest $build" "$rc" $((SECONDS - start)) "$detail"
}

# --- 1. setup ------------------------------------------------------------------
start=$SECONDS
bash scripts/system-deps.sh
bash scripts/setup-venvs.sh
rc=$?
record setup "$rc" $((SECONDS - start))
if [ "$rc" -ne 0 ]; then
    echo "test.sh: setup failed; nothing else can run." >&2
    exit 1
fi

# --- 2. mypy -------------------------------------------------------------------
dirs=()
for d in src tests examples benchmarks fuzz; do
    [ -d "$d" ] && dirs+=("$d")
done
echo
echo "=== mypy --strict: ${dirs[*]} ==="
start=$SECONDS
.venv-pure/bin/mypy --config-file mypy.ini --strict "${dirs[@]}"
record mypy $? $((SECONDS - start)) "${dirs[*]}"

# --- 3. compiled build -----------------------------------------------------------
run_pytest mypyc .venv-mypyc/bin/python

# --- 4. pure build, with coverage ------------------------------------------------
# --cov=h11typed measures the package as imported, i.e. the site-packages copy
# in .venv-pure; pyproject.toml's [tool.coverage.paths] reports it as src/h11typed.
cov_args=(--cov=h11typed --cov-branch --cov-report=term-missing)
if [ "$ENFORCE_COVERAGE" = true ]; then
    cov_args+=(--cov-fail-under="$COVERAGE_FAIL_UNDER")
fi
run_pytest pure .venv-pure/bin/python "${cov_args[@]}"

# --- summary -----------------------------------------------------------------------
echo
echo "=== h11typed test summary ==="
printf '%s\n' "${summary[@]}"
echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
exit "$failed"
