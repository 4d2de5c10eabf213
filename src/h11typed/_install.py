"""install_as_h11(): make libraries that ``import h11`` use h11typed instead.

The precedent is PyMySQL's ``install_as_MySQLdb()``. It works by registering this
package, and the private modules consumers reach into (uvicorn imports
``h11._connection``, wsproto ``h11._headers``), under h11's names in ``sys.modules``,
so every ``import h11`` executed afterwards gets h11typed.
"""

from __future__ import annotations

import sys
from typing import Final

# h11 0.16.0's private modules, all of which h11typed has under the same names.
_SUBMODULES: Final = (
    "_abnf",
    "_connection",
    "_events",
    "_headers",
    "_readers",
    "_receivebuffer",
    "_state",
    "_util",
    "_version",
    "_writers",
)


def install_as_h11() -> None:
    """Register h11typed as ``h11`` in ``sys.modules``; call it before importing httpx etc.

    Limits: it only affects imports made after the call; it raises RuntimeError if the
    real h11 was already imported, because objects from the two (events, states,
    exceptions) do not mix; and code that checks ``h11.__version__`` or ``PRODUCT_ID``
    sees h11typed's. Calling it again is harmless.
    """
    package = sys.modules["h11typed"]
    current = sys.modules.get("h11")
    if current is package:
        return
    if current is not None:
        raise RuntimeError(
            "the real h11 is already imported (by "
            f"{getattr(current, '__file__', '?')}); call h11typed.install_as_h11() before "
            "anything imports h11 (httpx, httpcore, uvicorn, hypercorn, wsproto)"
        )
    for name in _SUBMODULES:
        __import__(f"h11typed.{name}")
        sys.modules[f"h11.{name}"] = sys.modules[f"h11typed.{name}"]
    sys.modules["h11"] = package
