#!/usr/bin/env bash
# Run the demo (examples/demo.py) on the compiled build. The demo may also
# compare with the pure build, so it is told where the pure sources are.
# Extra arguments are passed on to the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venvs.sh
exec .venv-mypyc/bin/python examples/demo.py --pure-src src "$@"
