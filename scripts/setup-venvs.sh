#!/usr/bin/env bash
# Create (or refresh) the environments the test suite runs in, two per interpreter:
#
#   .venv-pure[-X.Y]   h11typed installed as pure Python (H11TYPED_COMPILE=0)
#   .venv-mypyc[-X.Y]  h11typed installed from the compiled wheel built into dist/
#
#   scripts/setup-venvs.sh            # the oldest supported Python (3.11): .venv-pure, .venv-mypyc
#   scripts/setup-venvs.sh 3.12 3.13  # those: .venv-pure-3.12, .venv-mypyc-3.12, ...
#   scripts/setup-venvs.sh all        # every supported Python (scripts/lib.sh), all required
#
# Each venv also gets requirements/test.txt and requirements/integration.txt. Safe to
# run any number of times: the venvs are reused, but h11typed is rebuilt and
# reinstalled on every run because the source may have changed. Needs the requested
# CPython (pythonX.Y on PATH or installed by pyenv), gcc and the Python headers;
# everything else comes from PyPI. Quiet on success; on failure it prints the failing
# step's full output.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRIPT=setup-venvs
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# make_venv DIR PYTHON: create DIR with PYTHON unless it already is a working venv of
# the same X.Y, then install the pinned test requirements (a no-op when up to date).
make_venv() {
    local venv=$1 python=$2 want
    want=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    if [ "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" != "$want" ]; then
        rm -rf "$venv"
        quietly "create $venv" "$python" -m venv "$venv"
    fi
    quietly "install requirements/test.txt and requirements/integration.txt into $venv" \
        "$venv/bin/python" -m pip install -r requirements/test.txt -r requirements/integration.txt
}

# setuptools builds in-tree under build/; outputs left there by an earlier
# build (a deleted module, a stale .so) would leak into the next one.
clean_build() {
    rm -rf build src/h11typed.egg-info
}

# setup_python X.Y: both venvs of that interpreter, with h11typed freshly installed.
setup_python() {
    local version=$1 python suffix tag start=$SECONDS
    if ! python=$(find_python "$version"); then
        echo "$SCRIPT: FAILED: no CPython $version found (python$version on PATH, or pyenv)" >&2
        exit 1
    fi
    suffix=$(venv_suffix "$version")
    tag=cp${version/./}

    # --- pure build ---------------------------------------------------------
    # No build isolation: the venv already holds the pinned setuptools and mypy
    # from requirements/test.txt, and a pure build needs nothing else.
    make_venv ".venv-pure$suffix" "$python"
    clean_build
    H11TYPED_COMPILE=0 quietly "install pure h11typed into .venv-pure$suffix" \
        ".venv-pure$suffix/bin/python" -m pip install --no-build-isolation --force-reinstall --no-deps .

    # --- compiled build -----------------------------------------------------
    # Build the wheel the way a user's `pip wheel .` would (isolated, using the
    # [build-system] requirements of pyproject.toml). H11TYPED_COMPILE=1: a
    # failing C compile is an error here, never a silent pure fallback.
    make_venv ".venv-mypyc$suffix" "$python"
    clean_build
    rm -f dist/h11typed-*-"$tag"-*.whl
    H11TYPED_COMPILE=1 quietly "build the compiled wheel for Python $version" \
        ".venv-mypyc$suffix/bin/python" -m pip wheel --no-deps -w dist .
    local wheels=(dist/h11typed-*-"$tag"-*.whl)
    quietly "install ${wheels[0]} into .venv-mypyc$suffix" \
        ".venv-mypyc$suffix/bin/python" -m pip install --force-reinstall --no-deps "${wheels[0]}"

    clean_build  # leave src/ free of the egg-info the build wrote there
    echo "setup-venvs: Python $version ($python): .venv-pure$suffix (pure) and" \
        ".venv-mypyc$suffix (${wheels[0]}) ready in $((SECONDS - start))s"
}

versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
    versions=("${SUPPORTED_PYTHONS[0]}")
elif [ "${versions[*]}" = all ]; then
    versions=("${SUPPORTED_PYTHONS[@]}")
fi
for version in "${versions[@]}"; do
    if [[ " ${SUPPORTED_PYTHONS[*]} " != *" $version "* ]]; then
        echo "$SCRIPT: Python $version is not supported (supported: ${SUPPORTED_PYTHONS[*]})" >&2
        exit 2
    fi
    setup_python "$version"
done
