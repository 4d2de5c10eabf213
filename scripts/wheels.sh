#!/usr/bin/env bash
# Build the release files into dist/ and prove each one installs and works:
#
#   1. the sdist (python -m build --sdist)
#   2. from that sdist, a compiled wheel for every supported CPython found on this
#      machine (scripts/lib.sh: SUPPORTED_PYTHONS; pythonX.Y on PATH, or pyenv),
#      with H11TYPED_COMPILE=1 so a failed compile is an error
#   3. each wheel, and the sdist (built by pip with the oldest Python), installed
#      into a fresh venv outside the checkout, then a smoke test: the right build
#      and Python, a request and a response through a client and a server
#      Connection, and the metadata (MIT, LICENSE shipped, this Python's classifier)
#   4. twine check --strict on all of them
#
# The wheels are tagged linux_x86_64: fine for local use; the uploadable manylinux
# wheels come from cibuildwheel ([tool.cibuildwheel] in pyproject.toml), which runs
# the same Pythons. A supported Python that is missing is reported, and fails the
# run under CI (CI set). Set-up: .venv-wheels gets requirements/wheels.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRIPT=wheels
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

start=$SECONDS
work=$(mktemp -d -t h11typed-wheels.XXXXXX)
trap 'rm -rf "$work" "$LOG"' EXIT

venv=.venv-wheels
if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    rm -rf "$venv"
    quietly "create $venv" "$PYTHON" -m venv "$venv"
fi
quietly "install requirements/wheels.txt into $venv" "$venv/bin/python" -m pip install -r requirements/wheels.txt

version=$("$PYTHON" -c 'import ast, pathlib; print(next(ast.literal_eval(n.value) for n in ast.walk(ast.parse(pathlib.Path("src/h11typed/_version.py").read_text())) if isinstance(n, ast.AnnAssign)))')
mkdir -p dist
rm -f dist/h11typed-"$version".tar.gz dist/h11typed-"$version"-*.whl

# --- 1. sdist ---------------------------------------------------------------------
# Built from a copy of the files git knows or would (no venvs, build/ or dist/):
# setuptools writes build/ and *.egg-info in place.
tree=$work/tree
mkdir -p "$tree"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$tree"
quietly "build the sdist" "$venv/bin/python" -m build --sdist --outdir dist "$tree"
sdist=dist/h11typed-$version.tar.gz
# (grep reads a listing, not a pipe: grep -q would close it early, and pipefail fail.)
grep -qx "h11typed-$version/LICENSE" <<<"$(tar -tzf "$sdist")" || { echo "$SCRIPT: LICENSE is not in $sdist" >&2; exit 1; }
echo "wheels: $sdist"

# The smoke test, run in each fresh venv from a directory outside the checkout:
# smoke.py BUILD X.Y
cat >"$work/smoke.py" <<'PY'
import importlib.metadata
import platform
import sys

import h11typed

build, python = sys.argv[1], sys.argv[2]
assert h11typed.COMPILED is (build == "mypyc"), f"expected the {build} build, got COMPILED={h11typed.COMPILED}"
assert f"{sys.version_info.major}.{sys.version_info.minor}" == python, sys.version

client, server = h11typed.Connection(h11typed.CLIENT), h11typed.Connection(h11typed.SERVER)
server.receive_data(
    client.send(h11typed.Request(method="GET", target="/hello", headers=[("Host", "example.com")]))
    + client.send(h11typed.EndOfMessage())
)
request = server.next_event()
assert isinstance(request, h11typed.Request) and request.target == b"/hello", request
assert isinstance(server.next_event(), h11typed.EndOfMessage)
client.receive_data(
    server.send(h11typed.Response(status_code=200, headers=[("Content-Length", "2")]))
    + server.send(h11typed.Data(data=b"ok"))
    + server.send(h11typed.EndOfMessage())
)
events = [client.next_event() for _ in range(3)]
assert [type(e).__name__ for e in events] == ["Response", "Data", "EndOfMessage"], events
assert events[1].data == b"ok"

meta = importlib.metadata.metadata("h11typed")
assert meta["License-Expression"] == "MIT", meta["License-Expression"]
assert meta.get_all("License-File") == ["LICENSE"], meta.get_all("License-File")
assert f"Programming Language :: Python :: {python}" in meta.get_all("Classifier")
licence = [f for f in importlib.metadata.files("h11typed") or [] if f.name == "LICENSE"]
assert len(licence) == 1 and "Copyright (c) 2026 The h11typed developers" in licence[0].read_text()
print(f"h11typed {h11typed.__version__} ({build}) on {platform.python_implementation()} {platform.python_version()}:"
      " round trip ok, MIT LICENSE shipped")
PY

# smoke PYTHON X.Y BUILD FILE [ENV...]: install FILE into a fresh venv made with PYTHON, run smoke.py.
smoke() {
    local python=$1 version=$2 build=$3 file=$4
    shift 4
    local test_venv=$work/venv-$version-$build-$(basename "$file")
    quietly "create a venv with $python" "$python" -m venv "$test_venv"
    quietly "install $file into a fresh venv" env "$@" "$test_venv/bin/python" -m pip install --no-deps "$file"
    (cd "$work" && "$test_venv/bin/python" smoke.py "$build" "$version") || {
        echo "$SCRIPT: FAILED: the smoke test of $file on Python $version" >&2
        exit 1
    }
}

# --- 2 and 3. a compiled wheel per Python, each smoke-tested ------------------------
built=("$sdist")
missing=()
for v in "${SUPPORTED_PYTHONS[@]}"; do
    if ! python=$(find_python "$v"); then
        echo "$SCRIPT: !!! CPython $v NOT FOUND (python$v on PATH, or pyenv): no wheel for it !!!" >&2
        missing+=("$v")
        continue
    fi
    began=$SECONDS
    # pip of a fresh venv, build isolation: the [build-system] requirements, as a user gets.
    quietly "create a build venv with $python" "$python" -m venv "$work/build-$v"
    H11TYPED_COMPILE=1 quietly "build the compiled wheel for Python $v from $sdist" \
        "$work/build-$v/bin/python" -m pip wheel --no-deps -w dist "$sdist"
    wheel=$(echo dist/h11typed-"$version"-cp"${v/./}"-*.whl)
    [ -f "$wheel" ] || { echo "$SCRIPT: no wheel for Python $v in dist/" >&2; exit 1; }
    grep -q "h11typed-$version.dist-info/licenses/LICENSE" <<<"$(unzip -l "$wheel")" \
        || { echo "$SCRIPT: LICENSE is not in $wheel" >&2; exit 1; }
    smoke "$python" "$v" mypyc "$wheel"
    echo "wheels: $wheel (built and smoke-tested in $((SECONDS - began))s)"
    built+=("$wheel")
done

# The sdist as `pip install` uses it: compiled on the spot (H11TYPED_COMPILE=1: no fallback).
began=$SECONDS
smoke "$PYTHON" "${SUPPORTED_PYTHONS[0]}" mypyc "$sdist" H11TYPED_COMPILE=1
echo "wheels: $sdist installed (compiled) and smoke-tested in $((SECONDS - began))s"

# --- 4. twine check ----------------------------------------------------------------
"$venv/bin/twine" check --strict "${built[@]}"

echo "wheels: ${#built[@]} files in dist/ in $((SECONDS - start))s:"
printf '  %s\n' "${built[@]}"
if [ ${#missing[@]} -gt 0 ]; then
    echo "wheels: MISSING Pythons, no wheel built: ${missing[*]}" >&2
    [ -z "${CI:-}" ] || exit 1
fi
