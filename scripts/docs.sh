#!/usr/bin/env bash
# Build the documentation into docs/_build/html, with warnings as errors.
#
#   1. create (or reuse) .venv-docs and install requirements/docs.txt into it
#   2. install the pure-Python h11typed into it (H11TYPED_COMPILE=0): autodoc reads
#      signatures and type hints through inspect, which the compiled build lacks
#   3. sphinx-build -W --keep-going -b html      -> docs/_build/html
#   4. sphinx-build -W --keep-going -b doctest   -> runs every example on the pages
#
# Needs only python3.11 (or python3 >= 3.11); everything else comes from PyPI. No
# system packages: the state-machine diagrams and the benchmark chart are SVG written
# by the project's own code (docs/_ext, benchmarks/chart.py).
set -euo pipefail
cd "$(dirname "$0")/.."

SCRIPT=docs
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
VENV=.venv-docs

start=$SECONDS

if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    rm -rf "$VENV"
    quietly "create $VENV" "$PYTHON" -m venv "$VENV"
fi
quietly "install requirements/docs.txt into $VENV" "$VENV/bin/python" -m pip install -r requirements/docs.txt

# The pure build, from the same sources as the compiled one. setuptools builds in-tree
# under build/; clear it before and after, as scripts/setup-venvs.sh does, so nothing
# stale leaks in and src/ is left without an egg-info.
rm -rf build src/h11typed.egg-info
H11TYPED_COMPILE=0 quietly "install the pure h11typed into $VENV" \
    "$VENV/bin/python" -m pip install --no-build-isolation --force-reinstall --no-deps .
rm -rf build src/h11typed.egg-info
if ! "$VENV/bin/python" -c 'import sys, h11typed; sys.exit(h11typed.COMPILED)'; then
    echo "docs: $VENV imports a compiled h11typed; the docs need the pure build" >&2
    exit 1
fi
setup_seconds=$((SECONDS - start))

# -E: read every page again, so nothing stale from an earlier build survives.
build_start=$SECONDS
"$VENV/bin/sphinx-build" -W --keep-going -E -q -b html docs docs/_build/html
"$VENV/bin/sphinx-build" -W --keep-going -E -q -b doctest docs docs/_build/doctest
examples=$(grep -E '^ +[0-9]+ tests$' docs/_build/doctest/output.txt | grep -oE '[0-9]+' || echo 0)

echo "docs: built docs/_build/html, ran ${examples} examples (setup ${setup_seconds}s, sphinx $((SECONDS - build_start))s)"
