"""Shared pytest setup: which build of h11typed is under test, and Hypothesis profiles.

The suite runs twice, against the mypyc-compiled wheel and against the pure
install (scripts/test.sh). The guard below makes sure each run really tests
the build it claims to, and never the source tree.
"""

from __future__ import annotations

import importlib.machinery
import os
import platform
import sys
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import settings

Build = Literal["mypyc", "pure"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPO_ROOT / "src"

# --- Hypothesis ------------------------------------------------------------------
# "dev" keeps Hypothesis' default example count; "ci" (set by scripts/test.sh)
# searches harder. No deadline in either: the compiled and the coverage-traced
# pure builds run at very different speeds, and timing is not what we test.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# --- build detection ---------------------------------------------------------------
def is_extension_module(path: str | None) -> bool:
    """True when `path` is a compiled extension module (.so / .pyd), not a .py file."""
    return path is not None and path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def imported_build() -> tuple[Build, Path]:
    """The build of h11typed that `import h11typed` gives, and where its core module lives.

    `_connection` is always compiled in the mypyc build, so its file tells the
    two builds apart without trusting h11typed's own COMPILED flag.
    """
    import h11typed._connection

    path = h11typed._connection.__file__
    build: Build = "mypyc" if is_extension_module(path) else "pure"
    return build, Path(path)


def python_version() -> str:
    """The running interpreter as "X.Y", the form scripts/test.sh names it in."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def pytest_report_header(config: pytest.Config) -> list[str]:
    build, path = imported_build()
    python = f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})"
    return [f"h11typed build: {build} ({path})", f"python: {python}"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to run against the wrong build (H11TYPED_EXPECT_BUILD), the wrong Python
    (H11TYPED_EXPECT_PYTHON, "X.Y") or the source tree."""
    import h11typed

    build, path = imported_build()
    if path.resolve().is_relative_to(SOURCE_DIR):
        raise pytest.UsageError(
            f"h11typed was imported from the source tree ({path}); the tests must run "
            "against an installed build. Run scripts/setup-venvs.sh and use "
            ".venv-pure/bin/python or .venv-mypyc/bin/python, without src/ on PYTHONPATH."
        )
    if (build == "mypyc") != h11typed.COMPILED:
        raise pytest.UsageError(
            f"h11typed.COMPILED is {h11typed.COMPILED}, but {path} is the {build} build"
        )
    expected = os.environ.get("H11TYPED_EXPECT_BUILD")
    if expected is not None and expected != build:
        raise pytest.UsageError(
            f"H11TYPED_EXPECT_BUILD={expected!r}, but the imported h11typed is the "
            f"{build} build ({path})"
        )
    expected_python = os.environ.get("H11TYPED_EXPECT_PYTHON")
    if expected_python is not None and expected_python != python_version():
        raise pytest.UsageError(
            f"H11TYPED_EXPECT_PYTHON={expected_python!r}, but this is Python "
            f"{platform.python_version()} ({sys.executable})"
        )


@pytest.fixture(scope="session")
def h11typed_build() -> Build:
    """The build under test: "mypyc" or "pure"."""
    return imported_build()[0]
