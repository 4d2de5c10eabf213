# Shared by the set-up scripts; source it after setting SCRIPT (the name used in messages).
# Defines SUPPORTED_PYTHONS, find_python(), venv_suffix(), PYTHON (a python3.11, or a
# python3 that is >= 3.11), LOG and quietly().

# Every CPython minor version h11typed supports, oldest first: the one list that
# scripts/test.sh and scripts/wheels.sh run over. pyproject.toml declares the same
# (requires-python, classifiers, [tool.cibuildwheel]); scripts/test.sh checks that.
SUPPORTED_PYTHONS=(3.11 3.12 3.13)

# find_python X.Y: print the path of a CPython X.Y interpreter, or fail. Tries
# pythonX.Y on PATH, then pyenv's installed versions. Each candidate is run, since
# a pyenv shim exists on PATH even when its version is not active (and then fails).
find_python() {
    local version=$1 candidate root
    local candidates=()
    candidates+=("$(command -v "python$version" 2>/dev/null || true)")
    root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
    # Newest patch release first.
    candidates+=($(ls -d "$root"/versions/"$version".*/bin/"python$version" 2>/dev/null | sort -rV || true))
    for candidate in "${candidates[@]}"; do
        [ -n "$candidate" ] || continue
        # Prints the interpreter's own path (a shim's target), if it is CPython X.Y.
        if "$candidate" -c "import sys, platform
if platform.python_implementation() != 'CPython' or '%d.%d' % sys.version_info[:2] != '$version':
    sys.exit(1)
print(sys.executable)" 2>/dev/null; then
            return 0
        fi
    done
    return 1
}

# venv_suffix X.Y: what the venvs of interpreter X.Y are named after .venv-pure /
# .venv-mypyc. The oldest supported version is the development default and keeps the
# plain names (the demo, the benchmarks and the docs use them); the others get -X.Y.
venv_suffix() {
    if [ "$1" = "${SUPPORTED_PYTHONS[0]}" ]; then echo ""; else echo "-$1"; fi
}

if PYTHON=$(find_python "${SUPPORTED_PYTHONS[0]}"); then :; else PYTHON=python3; fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "$SCRIPT: h11typed needs Python >= 3.11; $PYTHON is $("$PYTHON" -V 2>&1)" >&2
    exit 1
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# quietly DESCRIPTION COMMAND...: run COMMAND with its output kept in $LOG, shown only
# if it fails (and then the script stops).
quietly() {
    local what=$1
    shift
    if ! "$@" >"$LOG" 2>&1; then
        echo "$SCRIPT: FAILED: $what" >&2
        cat "$LOG" >&2
        exit 1
    fi
}
