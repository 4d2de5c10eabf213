"""The receive limits, each enforced by one function here.

``max_incomplete_event_size`` bounds a head, a trailer section or a chunk-size line;
``max_header_count`` bounds the field lines of a header or trailer section. Both answer
431 Request Header Fields Too Large (RFC 6585 §5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._util import LocalProtocolError

if TYPE_CHECKING:
    from mypy_extensions import i64


def check_event_size(size: i64, max_size: int) -> None:
    """Raise when ``size`` bytes of one head, trailer section or line exceed ``max_size``.

    RFC 9110 §2.3 lets a recipient bound what it will buffer. The same error whether the
    bytes are still arriving or came all at once, so the outcome does not depend on how
    the stream was split (h11 only limits the former).
    """
    if size > max_size:
        raise too_large(max_size)


def too_large(max_size: int) -> LocalProtocolError:
    return LocalProtocolError(
        f"Receive buffer too long (a head or line over max_incomplete_event_size={max_size} bytes)",
        error_status_hint=431,
    )


def over_field_limit(count: i64, max_fields: int) -> bool:
    """Whether ``count`` field lines are more than ``max_header_count`` allows.

    ``max_fields`` < 0 means no limit (h11 has none). RFC 9110 §5.4 lets a server refuse a
    header section that is too large; the answer is 431 (RFC 6585 §5).
    """
    return count > max_fields >= 0


def too_many_fields(max_fields: int) -> LocalProtocolError:
    # Final as soon as it is seen, however the head ends.
    return LocalProtocolError(
        f"too many header fields (more than {max_fields})", error_status_hint=431
    )
