"""The installed h11typed is the build we think it is, and ships what it should.

First the session guard of tests/conftest.py, seen refusing a wrong run (each test
here starts a session with the wrong build expected, or h11typed on the source
tree). Then the packaging contract of setup.py: in the mypyc build every module
except `__init__`, `_util` and `install_check` is an extension module; the pure
build has no extension modules at all; both ship py.typed (PEP 561, as
docs/index.rst promises) and the same modules as src/h11typed; the distribution
has no runtime dependencies (docs/getting-started.rst). `COMPILED` and
`__version__` are tested with the rest of the namespace (test_namespace.py).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.resources
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import h11typed
from tests.conftest import REPO_ROOT, SOURCE_DIR, Build, is_extension_module

# Modules setup.py leaves interpreted in the compiled build.
INTERPRETED_MODULES = frozenset({"__init__", "_util", "install_check"})

# mypyc's shared runtime library for the package (setup.py: group_name="h11typed").
MYPYC_RUNTIME_MODULE = "h11typed__mypyc"

PACKAGE_DIR = Path(h11typed.__file__).parent


def installed_module_names() -> set[str]:
    """Module names of the installed package, from its .py files (both builds ship them)."""
    return {path.stem for path in PACKAGE_DIR.glob("*.py")}


def start_session(**env: str) -> subprocess.CompletedProcess[str]:
    """Start a pytest session on this file in a subprocess, with ``env`` set.

    Only the session start matters: that is where tests/conftest.py's guard runs.
    """
    environ = {name: value for name, value in os.environ.items() if name != "H11TYPED_EXPECT_BUILD"}
    environ.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--collect-only",
            "-q",
            __file__,
        ],
        cwd=REPO_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_session_guard_refuses_a_run_that_expects_the_other_build(h11typed_build: Build) -> None:
    # The guard is what makes each leg of scripts/test.sh test the build it
    # claims to: a leg run with the wrong venv must stop, not pass.
    other = "pure" if h11typed_build == "mypyc" else "mypyc"
    result = start_session(H11TYPED_EXPECT_BUILD=other)
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert f"H11TYPED_EXPECT_BUILD={other!r}" in result.stderr


def test_session_guard_refuses_h11typed_from_the_source_tree() -> None:
    result = start_session(PYTHONPATH=str(SOURCE_DIR))
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert "imported from the source tree" in result.stderr


@pytest.mark.parametrize("module_name", ["h11typed", "h11typed._util"])
def test_init_and_util_stay_interpreted_in_both_builds(module_name: str) -> None:
    # _util holds the Sentinel metaclass and the exceptions, which mypyc
    # compiles poorly; __init__ only re-exports.
    assert not is_extension_module(importlib.import_module(module_name).__file__)


def test_compiled_build_compiles_every_other_module(h11typed_build: Build) -> None:
    if h11typed_build != "mypyc":
        pytest.skip("compiled build only")
    not_compiled = [
        name
        for name in sorted(installed_module_names() - INTERPRETED_MODULES)
        if not is_extension_module(importlib.import_module(f"h11typed.{name}").__file__)
    ]
    assert not_compiled == []


def test_compiled_build_ships_its_mypyc_runtime_library(h11typed_build: Build) -> None:
    if h11typed_build != "mypyc":
        pytest.skip("compiled build only")
    spec = importlib.util.find_spec(MYPYC_RUNTIME_MODULE)
    assert spec is not None
    assert is_extension_module(spec.origin)


def test_pure_build_ships_no_extension_modules(h11typed_build: Build) -> None:
    if h11typed_build != "pure":
        pytest.skip("pure build only")
    extensions = [p.name for p in PACKAGE_DIR.iterdir() if is_extension_module(str(p))]
    assert extensions == []
    assert importlib.util.find_spec(MYPYC_RUNTIME_MODULE) is None


def test_installed_modules_are_exactly_those_in_the_source_tree() -> None:
    # Catches a stale build/ directory leaking a deleted module into a wheel.
    source_package = SOURCE_DIR / "h11typed"
    if not source_package.is_dir():
        pytest.skip("no source tree next to the tests")
    assert installed_module_names() == {p.stem for p in source_package.glob("*.py")}


def test_py_typed_marker_ships_in_the_installed_package() -> None:
    # PEP 561: without it, type checkers ignore h11typed's annotations.
    assert importlib.resources.files("h11typed").joinpath("py.typed").is_file()


def test_distribution_has_no_runtime_dependencies() -> None:
    assert not importlib.metadata.requires("h11typed")


def test_package_imports_without_any_third_party_module(tmp_path: Path) -> None:
    # pyproject.toml declares no dependencies, yet the test venvs hold
    # mypy_extensions and typing_extensions; make sure h11typed needs neither
    # (a compiled module importing mypy_extensions.mypyc_attr at run time would).
    blocked = ("mypy_extensions", "typing_extensions")
    code = f"import sys; sys.modules.update(dict.fromkeys({blocked!r})); import h11typed"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
