"""A fuzz target for runs under the sanitizers (scripts/sanitize.sh).

    python fuzz/sanitize_fuzz.py server|client [libFuzzer flags] [corpus dirs]

The same target as fuzz_server.py / fuzz_client.py (harness.Target), set up at
module level instead of inside a function. libFuzzer ends the process from
within atheris.Fuzz(), while the frames that called it are still live, and
CPython 3.11 keeps live frames on a stack it maps itself, which LeakSanitizer
does not scan: an object referenced only from there would be reported as
leaked at exit. Two such objects were: harness.run's argv[0] string (a local)
and this module's frame object, once something had materialised it (200 bytes
from _PyObject_GC_NewVar; gone when FRAME below holds it). Module globals live
in a dict on the heap, which LeakSanitizer does scan.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]
from harness import MAX_LEN, ROLES, Target, load_pure

if len(sys.argv) < 2 or sys.argv[1] not in ROLES:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
ROLE = sys.argv[1]
TARGET = Target(ROLE, load_pure(atheris.instrument_imports))
# libFuzzer runs argv[0] through the shell only for -merge=1 and -fork, which
# sanitize.sh does not use; keep it a working command all the same.
COMMAND = shlex.join([sys.executable, str(Path(__file__).resolve()), ROLE])
ARGUMENTS = [COMMAND, f"-max_len={MAX_LEN}", "-timeout=20", *sys.argv[2:]]
FRAME = sys._getframe()  # referenced from the heap, see above
atheris.Setup(ARGUMENTS, TARGET.check)
atheris.Fuzz()
