"""Build h11typed, compiled with mypyc by default.

All metadata lives in pyproject.toml; this file only decides which extension
modules to build.

Environment:
  H11TYPED_COMPILE   unset: compile with mypyc; if the C toolchain fails, warn
                     and install the pure-Python package instead.
                     "1": compile; a failure is an error (CI, release wheels).
                     "0": pure Python (py3-none-any wheel), mypy not even imported.
  MYPYC_OPT_LEVEL    C optimisation level passed to mypycify (default "3").
  MYPYC_DEBUG_LEVEL  C debug-info level passed to mypycify (default "0";
                     use "1" for symbols in crash dumps).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

PACKAGE_DIR = Path("src", "h11typed")

# These stay interpreted: `__init__` only re-exports, and `_util` holds the
# Sentinel metaclass and the exception classes (see docs in those modules);
# `install_check` runs as `python -m h11typed.install_check`, which needs a .py.
NOT_COMPILED = frozenset({"__init__.py", "_util.py", "install_check.py"})

COMPILE = os.environ.get("H11TYPED_COMPILE", "").strip()
if COMPILE not in ("", "0", "1"):
    raise SystemExit(f"H11TYPED_COMPILE must be unset, '0' or '1', not {COMPILE!r}")
COMPILE_REQUIRED = COMPILE == "1"


def _warn(message: str) -> None:
    """Print a warning that stands out in pip's (possibly verbose) build log."""
    bar = "*" * 78
    print(f"\n{bar}\nWARNING (h11typed): {message}\n{bar}\n", file=sys.stderr, flush=True)


class BuildExtWithFallback(build_ext):
    """build_ext that falls back to pure Python when the C build fails.

    Unless H11TYPED_COMPILE=1, a failed compile or link is not fatal: we
    delete whatever was already written (a module shim without its shared
    library fails at import), drop the extensions and let the build carry on
    with the .py files alone.
    """

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # any compiler/linker/toolchain failure
            if COMPILE_REQUIRED:
                raise
            self._fall_back_to_pure_python(exc)

    def _fall_back_to_pure_python(self, exc: BaseException) -> None:
        reason = f"{type(exc).__name__}: {exc}"
        if len(reason) > 300:  # a failed compiler command line is very long
            reason = reason[:300] + "..."
        _warn(
            f"compiling the mypyc extension modules failed ({reason}).\n"
            "Installing the pure-Python h11typed instead: it behaves the same but runs\n"
            "slower. Set H11TYPED_COMPILE=1 to make this an error, or H11TYPED_COMPILE=0\n"
            "to skip compiling."
        )
        for output in self.get_outputs():
            Path(output).unlink(missing_ok=True)
        self.extensions = []
        self.distribution.ext_modules = []
        # bdist_wheel decided "not pure" before the build started; correct it
        # so the fallback wheel is tagged py3-none-any, not as a platform wheel.
        bdist_wheel = self.distribution.command_obj.get("bdist_wheel")
        if bdist_wheel is not None:
            bdist_wheel.root_is_pure = True


def _compiled_sources() -> list[str]:
    """Every module of the package except NOT_COMPILED, sorted.

    Paths are relative: setuptools always runs this file from the project root.
    """
    return sorted(p.as_posix() for p in PACKAGE_DIR.glob("*.py") if p.name not in NOT_COMPILED)


def _ext_modules() -> list[Any]:
    if COMPILE == "0":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        if COMPILE_REQUIRED:
            raise
        _warn(f"mypyc is not importable ({exc}); installing pure-Python h11typed.")
        return []
    # mypyc runs mypy first; a type error is a bug and fails the build even
    # without H11TYPED_COMPILE=1 (it is raised here, not in build_ext).
    # mypy.ini is absent only when building from an sdist that lacks it
    # (it needs `include mypy.ini` in MANIFEST.in); plain --strict is then close enough.
    config = ["--config-file", "mypy.ini"] if Path("mypy.ini").is_file() else ["--strict"]
    return mypycify(
        [*config, *_compiled_sources()],
        opt_level=os.environ.get("MYPYC_OPT_LEVEL", "3"),
        debug_level=os.environ.get("MYPYC_DEBUG_LEVEL", "0"),
        group_name="h11typed",
    )


setup(
    ext_modules=_ext_modules(),
    cmdclass={"build_ext": BuildExtWithFallback},
)
