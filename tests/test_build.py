"""The installed h11typed is the build we think it is, and ships what it should.

These pin the packaging contract of setup.py: in the mypyc build every module
except `__init__` and `_util` is an extension module; the pure build has no
extension modules at all; both ship py.typed and the same set of modules as
src/h11typed; the distribution has no runtime dependencies.
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
from tests.conftest import SOURCE_DIR, Build, is_extension_module

# Modules setup.py leaves interpreted in the compiled build.
INTERPRETED_MODULES = frozenset({"__init__", "_util", "install_check"})

# mypyc's shared runtime library for the package (setup.py: group_name="h11typed").
MYPYC_RUNTIME_MODULE = "h11typed__mypyc"

PACKAGE_DIR = Path(h11typed.__file__).parent


def installed_module_names() -> set[str]:
    """Module names of the installed package, from its .py files (both builds ship them)."""
    return {path.stem for path in PACKAGE_DIR.glob("*.py")}


def test_imported_build_is_the_one_the_runner_expects(h11typed_build: Build) -> None:
    expected = os.environ.get("H11TYPED_EXPECT_BUILD")
    if expected is None:
        pytest.skip("H11TYPED_EXPECT_BUILD is not set")
    assert h11typed_build == expected


def test_compiled_flag_says_whether_the_build_is_compiled(h11typed_build: Build) -> None:
    assert h11typed.COMPILED is (h11typed_build == "mypyc")


def test_package_is_imported_from_an_installation_not_the_source_tree() -> None:
    assert not PACKAGE_DIR.resolve().is_relative_to(SOURCE_DIR)


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
    assert spec is not None and is_extension_module(spec.origin)


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


def test_distribution_version_is_the_package_version() -> None:
    assert importlib.metadata.version("h11typed") == h11typed.__version__


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
