"""h11typed.install_as_h11() and ``python -m h11typed.install_check``.

The test process has the real h11 imported (it is the differential oracle), so
every case runs in a fresh interpreter: ``python -c`` with a short script that
prints JSON for the test to check.
"""

from __future__ import annotations

import importlib.metadata
import json
import pkgutil
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import h11
import pytest

import h11typed
from tests.integration.support import need_modules

TIMEOUT = 60.0
# h11's private modules, found in h11 itself: consumers reach into them
# (uvicorn: h11._connection; wsproto: h11._headers), so each needs a stand-in.
H11_PRIVATE_MODULES = sorted(
    m.name for m in pkgutil.iter_modules(h11.__path__) if m.name.startswith("_")
)
# The libraries install_check knows, and the modules in which they import h11.
CONSUMER_PACKAGES = ("httpcore", "httpcore2", "uvicorn", "hypercorn", "wsproto")


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter with this environment (so the same h11typed build), bounded in time."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        cwd=Path.cwd(),
    )


def run_script(source: str) -> Any:
    """Run a script that prints one JSON value last; return that value."""
    completed = run_python("-c", textwrap.dedent(source))
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def install_check(*args: str, installed_first: bool = False) -> subprocess.CompletedProcess[str]:
    """``python -m h11typed.install_check ARGS``, or its main() after install_as_h11()."""
    if not installed_first:
        return run_python("-m", "h11typed.install_check", *args)
    script = f"""
        import sys, h11typed
        h11typed.install_as_h11()
        from h11typed.install_check import main
        sys.exit(main({list(args)!r}))
    """
    return run_python("-c", textwrap.dedent(script))


# --- install_as_h11 ----------------------------------------------------------------------


def test_importing_h11typed_does_not_import_h11() -> None:
    # Otherwise install_as_h11() could never succeed.
    assert (
        run_script("import sys, json, h11typed; print(json.dumps('h11' in sys.modules))") is False
    )


def test_after_install_import_h11_gives_h11typed() -> None:
    result = run_script("""
        import json, sys, h11typed
        h11typed.install_as_h11()
        import h11
        print(json.dumps([h11 is h11typed, sys.modules["h11"] is h11typed]))
    """)
    assert result == [True, True]


@pytest.mark.parametrize("name", H11_PRIVATE_MODULES)
def test_each_private_module_of_h11_is_registered_as_h11typeds(name: str) -> None:
    result = run_script(f"""
        import importlib, json, h11typed
        h11typed.install_as_h11()
        print(json.dumps(importlib.import_module("h11.{name}") is importlib.import_module("h11typed.{name}")))
    """)
    assert result is True


def test_names_consumers_import_from_private_modules_are_h11typeds() -> None:
    result = run_script("""
        import json, h11typed, h11typed._connection, h11typed._headers
        h11typed.install_as_h11()
        from h11._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE   # as uvicorn does
        from h11._headers import Headers                                # as wsproto does
        print(json.dumps([
            DEFAULT_MAX_INCOMPLETE_EVENT_SIZE == h11typed._connection.DEFAULT_MAX_INCOMPLETE_EVENT_SIZE,
            Headers is h11typed._headers.Headers,
        ]))
    """)
    assert result == [True, True]


def test_installing_twice_is_harmless() -> None:
    result = run_script("""
        import json, sys, h11typed
        h11typed.install_as_h11()
        before = dict(sys.modules)
        h11typed.install_as_h11()
        import h11, h11._state
        print(json.dumps([h11 is h11typed, h11._state is h11typed._state, sys.modules.keys() == before.keys()]))
    """)
    assert result == [True, True, True]


def test_installing_after_the_real_h11_was_imported_raises_a_clear_runtime_error() -> None:
    result = run_script("""
        import json, sys
        import h11                      # e.g. via httpx, before the switch
        import h11typed
        try:
            h11typed.install_as_h11()
        except RuntimeError as exc:
            print(json.dumps(str(exc)))
        else:
            print(json.dumps(None))
    """)
    assert isinstance(result, str)
    assert "already imported" in result
    assert "install_as_h11() before" in result


def test_a_refused_install_leaves_the_real_h11_in_place() -> None:
    result = run_script("""
        import json, sys
        import h11, h11._connection
        import h11typed
        try:
            h11typed.install_as_h11()
        except RuntimeError:
            pass
        print(json.dumps([sys.modules["h11"] is h11, sys.modules["h11._connection"] is h11._connection,
                          sys.modules["h11"] is not h11typed]))
    """)
    assert result == [True, True, True]


def test_objects_from_h11_are_h11typeds_own() -> None:
    result = run_script("""
        import json, h11typed
        h11typed.install_as_h11()
        import h11
        conn = h11.Connection(h11.CLIENT)
        data = conn.send(h11.Request(method="GET", target="/", headers=[("Host", "example.com")]))
        print(json.dumps([
            type(conn) is h11typed.Connection,
            h11.Request is h11typed.Request,
            h11.NEED_DATA is h11typed.NEED_DATA,
            h11.LocalProtocolError is h11typed.LocalProtocolError,
            conn.our_state is h11typed.SEND_BODY,
            h11.IDLE == "IDLE",            # h11typed's states are Literal strings
            data.decode("ascii"),
        ]))
    """)
    assert result == [
        True,
        True,
        True,
        True,
        True,
        True,
        "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    ]


@pytest.mark.integration  # needs the peers of requirements/integration.txt
@pytest.mark.parametrize("package", ["httpcore", "httpcore2"])
def test_a_library_imported_after_install_uses_h11typed(package: str) -> None:
    need_modules(package)
    result = run_script(f"""
        import json, h11typed
        h11typed.install_as_h11()
        import {package}._sync.http11 as http11
        print(json.dumps(http11.h11 is h11typed))
    """)
    assert result is True


# --- python -m h11typed.install_check ----------------------------------------------------------


def report(*, installed_first: bool = False, flag: bool = False) -> dict[str, Any]:
    args = ["--json", "--install-as-h11"] if flag else ["--json"]
    completed = install_check(*args, installed_first=installed_first)
    assert completed.returncode == 0, completed.stderr
    parsed: dict[str, Any] = json.loads(completed.stdout)
    return parsed


def test_install_check_reports_the_build_under_test() -> None:
    result = report()
    assert result["compiled"] is h11typed.COMPILED
    assert Path(result["h11typed_file"]).resolve() == Path(str(h11typed.__file__)).resolve()
    assert result["h11typed_version"] == h11typed.__version__


def test_install_check_without_install_says_import_h11_gives_the_real_h11() -> None:
    result = report()
    assert result["installed_as_h11"] is False
    assert result["import_h11"]["kind"] == "h11"
    assert result["import_h11"]["imported"] is False
    assert Path(result["import_h11"]["file"]).resolve() == Path(str(h11.__file__)).resolve()


@pytest.mark.integration  # needs the peers of requirements/integration.txt
def test_install_check_without_install_shows_libraries_on_the_real_h11() -> None:
    need_modules(*CONSUMER_PACKAGES)
    consumers = report()["consumers"]
    assert [c["status"] for c in consumers] == ["ok"] * len(consumers)
    assert {c["engine"]["kind"] for c in consumers} == {"h11"}
    assert {Path(c["engine"]["file"]).resolve() for c in consumers} == {
        Path(str(h11.__file__)).resolve()
    }


@pytest.mark.integration
@pytest.mark.parametrize(
    ("installed_first", "flag"), [(True, False), (False, True)], ids=["call", "flag"]
)
def test_install_check_after_install_shows_libraries_on_h11typed(
    installed_first: bool, flag: bool
) -> None:
    need_modules(*CONSUMER_PACKAGES)
    result = report(installed_first=installed_first, flag=flag)
    assert result["installed_as_h11"] is True
    assert result["import_h11"]["kind"] == "h11typed"
    consumers = result["consumers"]
    assert [c["status"] for c in consumers] == ["ok"] * len(consumers)
    assert {c["engine"]["kind"] for c in consumers} == {"h11typed"}
    assert {c["engine"]["compiled"] for c in consumers} == {h11typed.COMPILED}


@pytest.mark.integration
def test_install_check_reports_each_installed_consumer_package_with_its_version() -> None:
    # httpcore2 (httpx2's core) reaches h11 through its own sync and async modules,
    # reported apart from httpcore's, each with the version installed here.
    need_modules(*CONSUMER_PACKAGES)
    consumers = report()["consumers"]
    reported = {(c["module"].partition(".")[0], c["version"]) for c in consumers}
    assert reported == {
        (package, importlib.metadata.version(package)) for package in CONSUMER_PACKAGES
    }
    assert {c["module"] for c in consumers} >= {"httpcore2._sync.http11", "httpcore2._async.http11"}


def test_install_check_text_names_the_build_and_how_to_switch() -> None:
    completed = install_check()
    assert completed.returncode == 0, completed.stderr
    build = "mypyc-compiled" if h11typed.COMPILED else "pure Python"
    assert f"h11typed {h11typed.__version__}, {build}" in completed.stdout
    assert "h11typed.install_as_h11()   # first" in completed.stdout


@pytest.mark.integration
@pytest.mark.parametrize(
    ("installed_first", "status"), [(False, 1), (True, 0)], ids=["real-h11", "h11typed"]
)
def test_install_check_check_fails_unless_libraries_use_h11typed(
    installed_first: bool, status: int
) -> None:
    need_modules(*CONSUMER_PACKAGES)
    assert install_check("--check", installed_first=installed_first).returncode == status


def test_install_check_flag_reports_a_refused_install() -> None:
    script = """
        import sys, h11
        from h11typed.install_check import main
        sys.exit(main(["--install-as-h11"]))
    """
    completed = run_python("-c", textwrap.dedent(script))
    assert completed.returncode == 2
    assert "install_as_h11() failed: the real h11 is already imported" in completed.stderr


# In-process checks of the same function (the subprocess tests above cannot be seen by
# coverage). They hide and then restore whatever h11 modules this test process holds.


def _without_h11_modules() -> dict[str, types.ModuleType]:
    saved = {
        name: module
        for name, module in sys.modules.items()
        if name == "h11" or name.startswith("h11.")
    }
    for name in saved:
        del sys.modules[name]
    return saved


def _restore_h11_modules(saved: dict[str, types.ModuleType]) -> None:
    for name in [name for name in sys.modules if name == "h11" or name.startswith("h11.")]:
        del sys.modules[name]
    sys.modules.update(saved)


def test_install_as_h11_in_process_registers_the_package_and_its_private_modules() -> None:
    saved = _without_h11_modules()
    try:
        h11typed.install_as_h11()
        h11typed.install_as_h11()  # a second call is harmless
        assert sys.modules["h11"] is h11typed
        assert sys.modules["h11._connection"] is sys.modules["h11typed._connection"]
        assert sys.modules["h11._headers"] is sys.modules["h11typed._headers"]
    finally:
        _restore_h11_modules(saved)


def test_install_as_h11_in_process_refuses_when_another_h11_is_loaded() -> None:
    saved = _without_h11_modules()
    impostor = types.ModuleType("h11")
    sys.modules["h11"] = impostor
    try:
        with pytest.raises(RuntimeError, match="already imported"):
            h11typed.install_as_h11()
        assert sys.modules["h11"] is impostor
    finally:
        _restore_h11_modules(saved)
