"""Nothing leaves the machine: not when the dashboard starts, not while it is used.

The dashboard is started as ``make run`` starts it (the project's
.streamlit/config.toml, no address on the command line) under
``netguard.py``, whose audit hook refuses and records every attempt of the
server to reach another machine. A real Chromium then walks through the
pages, and every request and WebSocket the page opens is recorded: all must
go to the dashboard itself. A second server, for a bare script without our
config, shows the guard does catch Streamlit's external-IP lookup.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

ROOT = Path(__file__).resolve().parents[2]
GUARD = Path(__file__).with_name("netguard.py")


def _guarded_server(tmp_path: Path, script: Path, cwd: Path) -> tuple[subprocess.Popen, str, Path]:
    """Start ``streamlit run script`` under the guard; return (process, url, attempts log)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    attempts = tmp_path / "attempts.log"
    out = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            str(GUARD),
            str(attempts),
            "run",
            str(script),
            "--server.port",
            str(port),
        ],  # fmt: skip
        cwd=cwd,
        stdout=out,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    time.sleep(2)  # the start-up banner (where the IP lookup happens) follows the health check
    return process, url, attempts


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def test_the_guard_catches_streamlits_ip_lookup_without_our_config(tmp_path):
    script = tmp_path / "bare.py"
    script.write_text("import streamlit as st\nst.write('hello')\n")
    process, _, attempts = _guarded_server(tmp_path, script, cwd=tmp_path)
    _stop(process)
    assert "checkip.amazonaws.com" in attempts.read_text()


def test_the_dashboard_reaches_nothing_outside_this_machine(tmp_path, browser):
    from conftest import RUN_COUNTER_JS, AppPage, AppServer

    process, url, attempts = _guarded_server(tmp_path, ROOT / "app.py", cwd=ROOT)
    server = AppServer(url, int(url.rsplit(":", 1)[1]), process, tmp_path / "server.log")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(script=RUN_COUNTER_JS)
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    page = context.new_page()
    page.on("websocket", lambda socket: seen.append(socket.url))
    try:
        app = AppPage(page, server).goto()
        app.load_samples()
        app.nav("Match").click("Find shared people", exact=False)
        for title in ("Review", "Overlap", "Reach", "Private overlap"):
            app.nav(title)
        assert "Private overlap" in app.text()
    finally:
        context.close()
        _stop(process)
    hosts = {urlparse(u).hostname for u in seen if not u.startswith(("data:", "blob:"))}
    outside = [u for u in seen if urlparse(u).hostname != "127.0.0.1"]
    assert len(seen) > 20 and hosts == {"127.0.0.1"}, outside[:5]
    assert not attempts.exists(), attempts.read_text()
    assert "Did not auto detect external IP" not in server.log_text()
