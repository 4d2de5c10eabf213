"""The version of h11typed (its own, not h11's)."""

from __future__ import annotations

from typing import Final

__version__: Final = "0.1.0"
