#!/usr/bin/env bash
# Type-check h11typed and run its test suite against both builds, on every supported
# CPython (scripts/lib.sh: SUPPORTED_PYTHONS, today 3.11, 3.12 and 3.13):
#
#   scripts/test.sh             # every supported Python
#   scripts/test.sh 3.12        # only those given (a quicker local run)
#
#   1. setup     scripts/system-deps.sh (ab, curl), then per Python scripts/setup-venvs.sh
#                (rebuilds and reinstalls both builds). A Python that is not on this
#                machine (pythonX.Y on PATH, or pyenv) is reported in the summary; it
#                is a failure under CI (CI set), a warning otherwise.
#   2. declared  pyproject.toml declares exactly the Pythons tested here
#                (requires-python, classifiers, [tool.cibuildwheel] build)
#   3. mypy      --strict over src, tests, examples, benchmarks, fuzz (those that exist),
#                once, on the oldest Python (mypy.ini: python_version)
#   4. pyright   strict (pyproject.toml [tool.pyright]) over src, tests, examples, once,
#                with the same venv's packages
#   5. ruff      lint (ruff check) and formatting (ruff format --check), rules in
#                pyproject.toml [tool.ruff]
#   6. per Python, oldest first:
#        mypyc   pytest against the compiled wheel installed in .venv-mypyc[-X.Y]
#        pure    pytest against the pure install in .venv-pure[-X.Y]; on the oldest
#                Python with line and branch coverage of the installed package (the
#                code is the same on every Python, so one coverage gate is enough)
#      Every leg runs the whole suite, integration tests included, and checks that it
#      imported the build and the Python it claims (tests/conftest.py).
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

# CPU seconds (user + system) of the finished child processes: next to the wall time,
# what a leg would take on an idle machine, since several jobs may share this one.
cpu_file=$(mktemp)
cpu_seconds() {
    times >"$cpu_file"  # a builtin: run in this shell, not a subshell that has no children
    CPU=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] } printf "%d", s }' "$cpu_file")
}

# begin: a leg starts now (wall clock in $start, CPU in $cpu_start).
begin() {
    start=$SECONDS
    cpu_seconds
    cpu_start=$CPU
}

# record LEG RC [DETAIL]: remember the outcome of the leg begun last, for the summary.
record() {
    local status=ok
    if [ "$2" -ne 0 ]; then status="FAILED (exit $2)"; failed=1; fi
    cpu_seconds
    summary+=("$(printf '%-18s %-16s %5ss %5ss cpu  %s' "$1" "$status" $((SECONDS - start)) $((CPU - cpu_start)) "${3:-}")")
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

# run_pytest VERSION BUILD PYTHON [ARGS...]: run the suite with PYTHON, check that it
# is CPython VERSION and that the imported h11typed is BUILD (mypyc|pure), and record
# pass/fail counts.
run_pytest() {
    local version=$1 build=$2 python=$3
    shift 3
    local log rc line passed failed_n skipped
    begin
    log=$(mktemp)
    echo
    echo "=== pytest: Python $version, $build build ==="
    # --durations: the slowest tests, to keep an eye on the suite's run time.
    H11TYPED_EXPECT_BUILD=$build H11TYPED_EXPECT_PYTHON=$version \
        "$python" -m pytest -p no:cacheprovider --durations=10 "$@" 2>&1 | tee "$log"
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
    if [[ " $* " == *" --cov="* ]]; then
        local cov
        cov=$(grep -E '^TOTAL ' "$log" | tail -n 1 | awk '{print $NF}')
        detail+="  (coverage ${cov:-?}; gate ${COVERAGE_FAIL_UNDER}% enforced: $ENFORCE_COVERAGE)"
    fi
    rm -f "$log"
    record "pytest $version $build" "$rc" "$detail"
}

# --- 1. setup ------------------------------------------------------------------
SCRIPT=test
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=("${SUPPORTED_PYTHONS[@]}")
for version in "${versions[@]}"; do
    if [[ " ${SUPPORTED_PYTHONS[*]} " != *" $version "* ]]; then
        echo "test.sh: Python $version is not supported (supported: ${SUPPORTED_PYTHONS[*]})" >&2
        exit 2
    fi
done
begin
bash scripts/system-deps.sh
record system-deps 0

ready=()  # the Pythons whose two venvs are set up
for version in "${versions[@]}"; do
    begin
    if ! found=$(find_python "$version"); then
        # Never a silent skip: in CI a missing interpreter fails the run.
        echo >&2
        echo "test.sh: !!! CPython $version NOT FOUND (python$version on PATH, or pyenv): its tests do not run !!!" >&2
        if [ -n "${CI:-}" ]; then
            record "python $version" 1 "MISSING: not on this machine; CI must test it"
            total_failed=$((total_failed + 1))
        else
            summary+=("$(printf '%-18s %-16s %5ss %5ss cpu  %s' "python $version" MISSING 0 0 "not on this machine; not tested (a failure under CI)")")
        fi
        continue
    fi
    if bash scripts/setup-venvs.sh "$version"; then
        record "setup $version" 0 "$found"
        ready+=("$version")
    else
        record "setup $version" 1 "$found; its tests do not run"
        total_failed=$((total_failed + 1))
    fi
done
primary=${SUPPORTED_PYTHONS[0]}

# --- 2. declared = tested ------------------------------------------------------------
# pyproject.toml must declare the supported Pythons, no more and no fewer.
echo
echo "=== declared Pythons: ${SUPPORTED_PYTHONS[*]} ==="
begin
"$PYTHON" - "${SUPPORTED_PYTHONS[@]}" <<'PY'
import sys, tomllib
supported = sys.argv[1:]
with open("pyproject.toml", "rb") as f:
    pyproject = tomllib.load(f)
project = pyproject["project"]
prefix = "Programming Language :: Python :: 3."
declared = [c.removeprefix("Programming Language :: Python :: ") for c in project["classifiers"] if c.startswith(prefix)]
cibw = pyproject["tool"]["cibuildwheel"]["build"].split()
problems = []
if project["requires-python"] != f">={supported[0]}":
    problems.append(f"requires-python is {project['requires-python']!r}, not '>={supported[0]}'")
if declared != supported:
    problems.append(f"the classifiers declare {declared}, not {supported}")
if cibw != [f"cp{v.replace('.', '')}-*" for v in supported]:
    problems.append(f"[tool.cibuildwheel] build is {cibw}, not one cpXY-* per supported Python")
for problem in problems:
    print(f"pyproject.toml: {problem}", file=sys.stderr)
print("pyproject.toml declares", ", ".join(supported) if not problems else "something else")
sys.exit(bool(problems))
PY
record declared $? "requires-python, classifiers, cibuildwheel: ${SUPPORTED_PYTHONS[*]}"

# --- 3. mypy -------------------------------------------------------------------
dirs=()
for d in src tests examples benchmarks fuzz; do
    [ -d "$d" ] && dirs+=("$d")
done
echo
echo "=== mypy --strict: ${dirs[*]} ==="
begin
mypy_venv=.venv-pure$(venv_suffix "${ready[0]:-$primary}")
"$mypy_venv/bin/mypy" --config-file mypy.ini --strict "${dirs[@]}"
record mypy $? "${dirs[*]}"

# --- 4. pyright ------------------------------------------------------------------
# The second type checker (tests/typing holds its expected errors). --pythonpath: the
# venv's interpreter, so the types of hypothesis and the integration peers are found
# (without it every import of theirs is unknown). PYRIGHT_PYTHON_IGNORE_WARNINGS: the
# version is pinned on purpose, so skip the wrapper's look-up of the newest release.
pyright_dirs=()
for d in src tests examples; do
    [ -d "$d" ] && pyright_dirs+=("$d")
done
echo
echo "=== pyright (strict): ${pyright_dirs[*]} ==="
begin
PYRIGHT_PYTHON_IGNORE_WARNINGS=1 "$mypy_venv/bin/pyright" --pythonpath "$mypy_venv/bin/python" "${pyright_dirs[@]}"
record pyright $? "${pyright_dirs[*]}"

# --- 5. ruff ----------------------------------------------------------------------
echo
echo "=== ruff check; ruff format --check ==="
begin
ruff_rc=0
"$mypy_venv/bin/ruff" check . || ruff_rc=1
"$mypy_venv/bin/ruff" format --check . || ruff_rc=1
record ruff "$ruff_rc" "lint and format"

# --- 6. both builds on each Python -----------------------------------------------
# --cov=h11typed measures the package as imported, i.e. the site-packages copy
# in .venv-pure; pyproject.toml's [tool.coverage.paths] reports it as src/h11typed.
cov_args=(--cov=h11typed --cov-branch --cov-report=term-missing)
if [ "$ENFORCE_COVERAGE" = true ]; then
    cov_args+=(--cov-fail-under="$COVERAGE_FAIL_UNDER")
fi
for version in "${ready[@]}"; do
    suffix=$(venv_suffix "$version")
    run_pytest "$version" mypyc ".venv-mypyc$suffix/bin/python"
    if [ "$version" = "$primary" ]; then
        run_pytest "$version" pure ".venv-pure$suffix/bin/python" "${cov_args[@]}"
    else
        run_pytest "$version" pure ".venv-pure$suffix/bin/python"
    fi
done

# --- summary -----------------------------------------------------------------------
echo
echo "=== h11typed test summary ==="
printf '%s\n' "${summary[@]}"
rm -f "$cpu_file"
echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
exit "$failed"
