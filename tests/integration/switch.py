"""The first thing every integration subprocess does: switch `h11` to h11typed, and prove it.

A subprocess imports this module (stdlib and h11typed only), calls use_h11typed()
before importing any peer library, and reports the returned facts; the test then
checks them against the h11typed build the test run itself imported.
"""

from __future__ import annotations

import importlib
import sys
from typing import TypedDict

import h11typed


class EngineInfo(TypedDict):
    h11_is_h11typed: bool
    compiled: bool
    h11typed_file: str
    # module name -> whether its global `h11` is h11typed
    peers: dict[str, bool]


def use_h11typed() -> None:
    """install_as_h11(), refusing to go on if the real h11 got in first."""
    if "h11" in sys.modules and sys.modules["h11"] is not h11typed:
        raise SystemExit(f"the real h11 was imported before the switch: {sys.modules['h11']!r}")
    h11typed.install_as_h11()
    assert sys.modules["h11"] is h11typed


def engine_info(*peer_modules: str) -> EngineInfo:
    """Facts about the engine in use; each peer module is imported and checked for its `h11`."""
    peers: dict[str, bool] = {}
    for name in peer_modules:
        module = importlib.import_module(name)
        peers[name] = getattr(module, "h11", None) is h11typed
    return EngineInfo(
        h11_is_h11typed=sys.modules.get("h11") is h11typed,
        compiled=h11typed.COMPILED,
        h11typed_file=str(h11typed.__file__),
        peers=peers,
    )
