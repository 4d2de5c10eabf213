"""Hypothesis strategies for HTTP/1.1 traffic, plus the normal forms and the
receive driver that the property tests (test_properties.py), the differential
tests against h11 (test_differential.py) and a few others share.

One module per job, in dependency order:

* ``grammar``: tokens, targets, field names and values, reasons, status codes.
* ``messages``: requests, responses, exchanges and conversations as h11typed events.
* ``mutations``: byte-level edits of a stream, and splits into receive_data() pieces.
* ``wire``: messages written by hand as raw bytes, optionally with defects.
* ``neutral``: library-independent forms of events and states, for comparisons.
* ``receiving``: ``receive_stream``, a stream fed through the shared receive
  driver (tests/driver.py, which the fuzz targets use too) with our side scripted.
* ``conversation``: a conversation played through a client/server pair.
* ``streams``: whole streams for one receiving role: valid, damaged, arbitrary.
* ``walks``: ``Walk``, random sequences of legal sends.

The names the tests use are re-exported here: ``from tests.strategies import X``.
"""

from tests.driver import NoProgress
from tests.strategies.conversation import (
    ConversationRun,
    hostfirst,
    parse_written_head,
    pull_events,
    run_conversation,
)
from tests.strategies.grammar import (
    STATE_NAMES,
    HeaderList,
    header_names,
    header_values,
    headers,
)
from tests.strategies.messages import (
    Exchange,
    Message,
    conversations,
    frames_twice,
    informational_responses,
    request_messages,
    response_messages,
)
from tests.strategies.mutations import mutated, split_pieces
from tests.strategies.neutral import (
    EVENT_FIELDS,
    Neutral,
    merge_data,
    neutral_event,
    port,
    state_names,
)
from tests.strategies.receiving import (
    CANNED_REQUEST,
    CANNED_RESPONSE,
    Outcome,
    receive_stream,
)
from tests.strategies.streams import (
    ROLES,
    Stream,
    arbitrary_streams,
    damaged_streams,
    defective_streams,
    mutated_streams,
    valid_streams,
)
from tests.strategies.walks import Walk, close_delimited, deliver

__all__ = [
    "CANNED_REQUEST",
    "CANNED_RESPONSE",
    "EVENT_FIELDS",
    "ROLES",
    "STATE_NAMES",
    "ConversationRun",
    "Exchange",
    "HeaderList",
    "Message",
    "Neutral",
    "NoProgress",
    "Outcome",
    "Stream",
    "Walk",
    "arbitrary_streams",
    "close_delimited",
    "conversations",
    "damaged_streams",
    "defective_streams",
    "deliver",
    "frames_twice",
    "header_names",
    "header_values",
    "headers",
    "hostfirst",
    "informational_responses",
    "merge_data",
    "mutated",
    "mutated_streams",
    "neutral_event",
    "parse_written_head",
    "port",
    "pull_events",
    "receive_stream",
    "request_messages",
    "response_messages",
    "run_conversation",
    "split_pieces",
    "state_names",
    "valid_streams",
]
