"""Whether this copy of h11typed was compiled by mypyc (for tests, bug reports, the demo)."""

from __future__ import annotations

from typing import Final


def _probe() -> None:
    """A function to look at: compiled, it is a native function without ``__code__``."""


COMPILED: Final[bool] = not hasattr(_probe, "__code__")
