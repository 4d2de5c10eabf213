# Shared by the set-up scripts; source it after setting SCRIPT (the name used in messages).
# Defines PYTHON (a python3.11, or a python3 that is >= 3.11), LOG and quietly().

if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
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
