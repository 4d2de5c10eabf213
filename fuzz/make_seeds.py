"""Write the hand-made seed inputs into fuzz/corpus/{server,client}/seed-*.

Each seed is MODE, SPLIT, then the bytes the peer sends (see harness.py). The
fuzzer's own finds sit next to them under their SHA-1 names. Re-running this
script rewrites the seeds and leaves those finds alone.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

GET = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"

# name: (mode, split seed, request bytes)
SERVER: dict[str, tuple[int, int, bytes]] = {
    "get": (0, 0, GET),
    "get-absolute-target": (0, 1, b"GET http://a/x?y=1 HTTP/1.1\r\nHost: a\r\n\r\n"),
    "head": (1, 2, b"HEAD /x HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n"),
    "post-content-length": (0, 3, b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"),
    "post-chunked": (
        1,
        4,
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    ),
    "chunked-extensions-trailers": (
        3,
        5,
        b"PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'a;name=value;x\r\n0123456789\r\n1F;q="quoted"\r\n'
        b"0123456789abcdef0123456789abcde\r\n0\r\nTrailer-One: 1\r\nX-Sum: abc\r\n\r\n",
    ),
    "chunk-ext-whitespace": (
        0,
        5,
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 ; a\r\nx\r\n0\r\n\r\n",
    ),
    "chunked-uppercase-hex": (
        0,
        6,
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
    ),
    "http10": (0, 7, b"GET / HTTP/1.0\r\n\r\n"),
    "http10-keep-alive": (0, 8, b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
    "http10-body": (0, 9, b"POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"),
    "pipelined": (
        0,
        10,
        GET + b"GET /2 HTTP/1.1\r\nHost: a\r\n\r\n" + b"HEAD /3 HTTP/1.1\r\nHost: a\r\n\r\n",
    ),
    "pipelined-bodies": (
        3,
        11,
        b"POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
        b"POST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nho\r\n0\r\n\r\n"
        + GET,
    ),
    "pipelined-then-close": (2, 12, GET + GET),
    "connection-close": (0, 13, b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + GET),
    "expect-100-continue": (
        8,
        14,
        b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody",
    ),
    "expect-100-early-response": (
        16,
        15,
        b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody",
    ),
    "upgrade-accepted": (
        4,
        16,
        b"GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello",
    ),
    "upgrade-refused": (
        0,
        17,
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: h2c, foo/2\r\n\r\n" + GET,
    ),
    "connect-accepted": (
        4,
        18,
        b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01tls",
    ),
    "connect-refused": (1, 19, b"CONNECT a:80 HTTP/1.1\r\nHost: a:80\r\n\r\n" + GET),
    "obs-fold": (
        0,
        20,
        b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: first\r\n  second\r\n\tthird\r\n\r\n",
    ),
    "bare-lf": (0, 21, b"GET / HTTP/1.1\nHost: a\nContent-Length: 1\n\nx"),
    "leading-blank-lines": (0, 22, b"\r\n\r\n" + GET),
    "many-headers": (
        0,
        23,
        b"GET / HTTP/1.1\r\nHost: a\r\n"
        + b"".join(b"X-H%d: v%d\r\n" % (i, i) for i in range(40))
        + b"\r\n",
    ),
    "header-whitespace": (
        0,
        24,
        b"GET / HTTP/1.1\r\nHost:a\r\nX-A:   spaced value \t \r\nX-Empty:\r\n\r\n",
    ),
    "duplicate-content-length": (
        0,
        25,
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\n\r\nok",
    ),
    "te-and-cl": (
        0,
        26,
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
    ),
    "missing-host": (0, 27, b"GET / HTTP/1.1\r\nAccept: x\r\n\r\n"),
    "bad-version": (0, 28, b"GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
    "truncated-body": (0, 29, b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"),
    "truncated-chunk": (
        1,
        30,
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc",
    ),
    "options-star": (0, 31, b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"),
    "bytewise-split-mixed-buffers": (
        0,
        0x08,
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd" + GET,
    ),
    "empty": (0, 0, b""),
}

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
CHUNKED_OK = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"

# Client mode: bits 0-1 the request (GET, HEAD, CONNECT, GET+Upgrade), 4 HTTP/1.0,
# 8 Connection: close, 16 Expect: 100-continue.
CLIENT: dict[str, tuple[int, int, bytes]] = {
    "content-length": (0, 0, OK),
    "content-length-pipelined": (
        0,
        1,
        OK + OK + b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
    ),
    "chunked": (0, 2, CHUNKED_OK),
    "chunked-extensions-trailers": (
        0,
        3,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'3;ext=1\r\nabc\r\n1a;a="b c"\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\nEtag: "x"\r\n\r\n',
    ),
    "close-delimited": (0, 4, b"HTTP/1.1 200 OK\r\n\r\nbody until the connection closes"),
    "http10-response": (0, 5, b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc"),
    "http10-close-delimited": (0, 6, b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil eof"),
    "head-response": (
        1,
        7,
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
        + b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    ),
    "no-content": (0, 8, b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n" + OK),
    "not-modified": (0, 9, b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n" + OK),
    "continue-then-ok": (16, 10, b"HTTP/1.1 100 Continue\r\n\r\n" + OK),
    "informational-102-103": (
        0,
        11,
        b"HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n" + OK,
    ),
    "connect-accepted": (2, 12, b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01tunnel"),
    "connect-refused": (
        2,
        13,
        b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n" + OK,
    ),
    "upgrade-101": (
        3,
        14,
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x02hi",
    ),
    "upgrade-refused": (3, 15, OK + OK),
    "connection-close-request": (8, 16, OK + OK),
    "server-closes": (
        0,
        17,
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok" + OK,
    ),
    "http10-request": (4, 18, OK),
    "obs-fold": (0, 19, b"HTTP/1.1 200 OK\r\nX-Fold: a\r\n b\r\nContent-Length: 0\r\n\r\n"),
    "bare-lf": (0, 20, b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok"),
    "no-reason-phrase": (
        0,
        21,
        b"HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\nHTTP/1.1 201\r\nContent-Length: 0\r\n\r\n",
    ),
    "reason-with-spaces": (0, 22, b"HTTP/1.1 299 A very  odd reason\r\nContent-Length: 0\r\n\r\n"),
    "status-out-of-range": (0, 23, b"HTTP/1.1 999 Nope\r\nContent-Length: 0\r\n\r\n"),
    "bad-content-length": (0, 24, b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
    "huge-content-length": (
        0,
        25,
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    ),
    "huge-chunk-size": (
        0,
        26,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffffffff\r\n",
    ),
    "te-gzip-chunked": (
        0,
        27,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    ),
    "truncated-chunked": (0, 28, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"),
    "non-utf8-header": (
        0,
        29,
        b"HTTP/1.1 200 OK\r\nX-Bin: \xff\xfe\x80\r\nContent-Length: 0\r\n\r\n",
    ),
    "bytewise-split-mixed-buffers": (0, 0x08, CHUNKED_OK + OK),
    "empty": (0, 0, b""),
}


def main() -> None:
    for role, seeds in (("server", SERVER), ("client", CLIENT)):
        directory = HERE / "corpus" / role
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("seed-*"):
            old.unlink()
        for name, (mode, seed, stream) in seeds.items():
            (directory / f"seed-{name}").write_bytes(bytes([mode, seed]) + stream)
        print(f"{len(seeds)} {role} seeds in {directory}")


if __name__ == "__main__":
    main()
