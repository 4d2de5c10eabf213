#!/usr/bin/env bash
# Debian packages that some tests drive as real peers: ab (apache2-utils) for the
# HTTP/1.0 keep-alive test, curl for the integration tests. Installed only when
# missing and when we can (root with apt-get); otherwise the tests that need them
# skip, except under CI (CI=true), where they fail and say what is missing.
set -uo pipefail
missing=()
command -v ab >/dev/null 2>&1 || missing+=(apache2-utils)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing ${missing[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
        || echo "system-deps: could not install ${missing[*]}" >&2
else
    echo "system-deps: ${missing[*]} missing and not installable here (not root or no apt-get)" >&2
fi
exit 0
