"""Fuzz target: h11typed as the CLIENT (after sending a request), receiving arbitrary bytes as responses.

Run with the compiled build installed (scripts/fuzz.sh does all of it):
    python fuzz/fuzz_client.py [libFuzzer flags] [corpus dirs or files]
Input format and the properties checked: see harness.py and README.md.
"""

from __future__ import annotations

import sys

from harness import run

if __name__ == "__main__":
    run("client", sys.argv)
