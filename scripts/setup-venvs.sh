#!/usr/bin/env bash
# Create (or refresh) the two environments the test suite runs in:
#
#   .venv-pure   h11typed installed as pure Python (H11TYPED_COMPILE=0)
#   .venv-mypyc  h11typed installed from the compiled wheel built into dist/
#
# Both also get requirements/test.txt. Safe to run any number of times: the
# venvs are reused, but h11typed is rebuilt and reinstalled on every run
# because the source may have changed. Needs only python3.11 (or python3 >=
# 3.11), gcc and the Python headers; everything else comes from PyPI.
# Quiet on success; on failure it prints the failing step's full output.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRIPT=setup-venvs
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# make_venv DIR: create DIR unless it is already a working Python >= 3.11
# venv, then install the pinned test requirements (a no-op when up to date).
make_venv() {
    local venv=$1
    if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        rm -rf "$venv"
        quietly "create $venv" "$PYTHON" -m venv "$venv"
    fi
    quietly "install requirements/test.txt and requirements/integration.txt into $venv" \
        "$venv/bin/python" -m pip install -r requirements/test.txt -r requirements/integration.txt
}

# setuptools builds in-tree under build/; outputs left there by an earlier
# build (a deleted module, a stale .so) would leak into the next one.
clean_build() {
    rm -rf build src/h11typed.egg-info
}

start=$SECONDS

# --- pure build -----------------------------------------------------------
# No build isolation: the venv already holds the pinned setuptools and mypy
# from requirements/test.txt, and a pure build needs nothing else.
make_venv .venv-pure
clean_build
H11TYPED_COMPILE=0 quietly "install pure h11typed into .venv-pure" \
    .venv-pure/bin/python -m pip install --no-build-isolation --force-reinstall --no-deps .

# --- compiled build ---------------------------------------------------------
# Build the wheel the way a user's `pip wheel .` would (isolated, using the
# [build-system] requirements of pyproject.toml). H11TYPED_COMPILE=1: a
# failing C compile is an error here, never a silent pure fallback.
make_venv .venv-mypyc
clean_build
rm -f dist/h11typed-*.whl
H11TYPED_COMPILE=1 quietly "build the compiled wheel" \
    .venv-mypyc/bin/python -m pip wheel --no-deps -w dist .
wheels=(dist/h11typed-*.whl)
quietly "install ${wheels[0]} into .venv-mypyc" \
    .venv-mypyc/bin/python -m pip install --force-reinstall --no-deps "${wheels[0]}"

clean_build  # leave src/ free of the egg-info the build wrote there

echo "setup-venvs: .venv-pure (pure) and .venv-mypyc (${wheels[0]}) ready in $((SECONDS - start))s"
