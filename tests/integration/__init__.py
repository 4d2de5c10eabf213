"""Integration tests: h11typed installed as `h11` under httpx, uvicorn, hypercorn, wsproto, curl.

Every peer runs in its own subprocess that calls h11typed.install_as_h11() before
importing anything else (the test process has the real h11 imported), on 127.0.0.1,
with bounded waits. See support.py.
"""
