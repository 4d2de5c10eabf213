"""Sphinx extension: small corrections to what autodoc shows.

- Event constructors take a private ``_parsed`` keyword (the parser uses it to skip
  re-validation, as in h11). It is not part of the public API, so every signature
  autodoc shows has parameters whose names start with ``_`` removed.
- ``autodoc_type_aliases`` keeps alias names such as ``Role`` in signatures, but Sphinx
  renders an alias *nested* in another type (``dict[Role, State]``, ``HeaderInput |
  None``) with the repr of its internal placeholder, ``TypeAliasForwardRef('...')``.
  Giving the placeholder a repr that is just the alias name fixes that.
"""

from __future__ import annotations

import re
from typing import Any, Final

from sphinx.application import Sphinx
from sphinx.util import inspect as sphinx_inspect
from sphinx.util.typing import ExtensionMetadata

# ", _name: annotation = default" (no commas or parentheses inside: true for ours).
_PRIVATE_PARAMETER: Final = re.compile(r",\s*_[A-Za-z0-9_]*(?:\s*:\s*[^,()=]+)?(?:\s*=\s*[^,()]+)?(?=[,)])")


def _strip_private(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, signature: str | None, return_annotation: str | None
) -> tuple[str | None, str | None] | None:
    if signature is None or "_" not in signature:
        return None
    return _PRIVATE_PARAMETER.sub("", signature), return_annotation


def _alias_name(self: Any) -> str:
    name: str = self.name
    return name


def setup(app: Sphinx) -> ExtensionMetadata:
    placeholder: Any = getattr(sphinx_inspect, "TypeAliasForwardRef", None)
    if placeholder is not None:
        placeholder.__repr__ = _alias_name
    app.connect("autodoc-process-signature", _strip_private)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
