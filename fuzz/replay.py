"""Run the fuzz checks over saved inputs, without atheris (quick regression run).

    python fuzz/replay.py server fuzz/corpus/server [more files or dirs]
    python fuzz/replay.py client fuzz/findings/some-reproducer

Exits non-zero (with the Finding's traceback) on the first input that fails.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from harness import ROLES, replay


def _files(args: list[str]) -> Iterator[Path]:
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.is_file())
        else:
            yield path


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1] not in ROLES:
        print(__doc__, file=sys.stderr)
        return 2
    count = replay(sys.argv[1], _files(sys.argv[2:]))
    print(f"replay: {count} {sys.argv[1]} inputs passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
