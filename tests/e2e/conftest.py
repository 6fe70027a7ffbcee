"""Fixtures for browser tests: a real `streamlit run app.py` and a real Chromium.

Reuse them in any e2e test:

- ``app_server`` (session): one dashboard server for the whole session
  (``.url``, ``.log_text()``).
- ``server_factory`` (session): start another server with extra command-line
  options, e.g. ``server_factory("--logger.level", "debug")``; stopped at the end.
- ``browser`` (session): headless Debian Chromium driven by Playwright.
- ``new_page``: ``new_page()`` opens the app in a fresh browser context (its own
  cookies, so its own Streamlit session) and returns an ``AppPage`` with helpers
  (``goto``, ``nav``, ``click``, ``wait_idle``, ``wait_for_text``, ``metrics``,
  ``metric``, ``screenshot``...). ``new_page(server=...)`` opens another server.
  ``wait_idle()`` after any action (clicks, ``set_input_files``...) waits for the
  script run that action started: the page counts runs in ``window.__ovRuns``.

Every test in this folder is marked ``e2e`` and put in the xdist group "e2e",
so under ``pytest -n 2 --dist loadgroup`` they share one worker, one server and
one browser.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("OVERLAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 90  # a slow shared machine can take a while to import everything
ACTION_MS = 300_000  # the longest a single page action may take on a busy shared machine


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("e2e"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    """A running `streamlit run app.py`, its address and its captured output."""

    url: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def log_text(self) -> str:
        """Everything the server wrote to stdout and stderr so far."""
        return self.log_path.read_bytes().decode("utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_server(log_path: Path, *extra_args: str) -> AppServer:
    """Start the dashboard on a free port and wait until it answers its health check."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        *extra_args,
    ]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = AppServer(f"http://127.0.0.1:{port}", port, process, log_path)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{server.log_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(
        f"streamlit did not start in {STARTUP_SECONDS} s:\n{server.log_text()[-2000:]}"
    )


@pytest.fixture(scope="session")
def server_factory(tmp_path_factory) -> Iterator[Callable[..., AppServer]]:
    """Start extra dashboard servers (e.g. with debug logging); all stopped at the end."""
    started: list[AppServer] = []

    def factory(*extra_args: str) -> AppServer:
        log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
        server = start_server(log_path, *extra_args)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def app_server(server_factory) -> AppServer:
    """The dashboard, started once per test session."""
    return server_factory()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (not a downloaded build), one per session."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}; run `make browser` (scripts/install_browser.sh)."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


# Counts the app's script runs in the page (window.__ovRuns), so a wait after an action
# waits for the run that action started, not for the idle state just before it.
RUN_COUNTER_JS = """
(() => {
  window.__ovRuns = 0;
  const attach = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) { setTimeout(attach, 20); return; }
    let last = app.getAttribute('data-test-script-state');
    if (last === 'running') window.__ovRuns += 1;
    new MutationObserver(() => {
      const now = app.getAttribute('data-test-script-state');
      if (now === 'running' && last !== 'running') window.__ovRuns += 1;
      last = now;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  };
  attach();
})();
"""
RUN_START_GRACE_MS = 3000  # how long an action may take to start a run before we assume none


class AppPage:
    """A browser tab on the dashboard, with the waits Streamlit needs."""

    def __init__(self, page, server: AppServer):
        self.page = page
        self.server = server
        self._runs_seen = 0

    def _runs(self) -> int:
        return int(self.page.evaluate("() => window.__ovRuns || 0"))

    def _settle(self, timeout: int = ACTION_MS) -> None:
        page = self.page
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
        )
        page.wait_for_function(
            "() => document.querySelectorAll('[data-stale=\"true\"]').length === 0",
            timeout=timeout,
        )
        self._runs_seen = self._runs()

    def wait_idle(self, timeout: int = ACTION_MS) -> None:
        """Wait for the run the last action started (if any) to finish, with nothing stale."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                "n => (window.__ovRuns || 0) > n", arg=self._runs_seen, timeout=RUN_START_GRACE_MS
            )
        except PlaywrightTimeout:
            pass  # the action started no run
        self._settle(timeout)

    def goto(self, url_path: str = "") -> AppPage:
        """Open a page of the app by its url path ("" for the first page) and wait for it."""
        self.page.goto(f"{self.server.url}/{url_path}")
        self._runs_seen = 0
        self.wait_idle()
        return self

    def nav(self, title: str) -> AppPage:
        """Follow a link in the sidebar navigation, as a user would (keeps the session)."""
        from urllib.parse import urlparse

        link = self.page.locator('[data-testid="stSidebarNav"] a', has_text=title).first
        path = urlparse(link.get_attribute("href") or "").path or "/"
        link.click()
        self.page.wait_for_function(
            "p => location.pathname.replace(/\\/$/, '') === p.replace(/\\/$/, '')", arg=path
        )
        self.wait_idle()
        return self

    def wait_for_text(self, text: str, timeout: int = ACTION_MS) -> AppPage:
        """Wait until ``text`` shows in the main area; on timeout, fail with what is shown."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.locator('[data-testid="stMain"]').get_by_text(
                text, exact=False
            ).first.wait_for(timeout=timeout)
        except PlaywrightTimeout:
            pytest.fail(f"{text!r} did not appear; the page shows:\n{self.text()[:3000]}")
        self.wait_idle()
        return self

    def click(self, label: str, exact: bool = True) -> AppPage:
        """Click the first button with this label and wait for the app to settle."""
        self.page.get_by_role("button", name=label, exact=exact).first.click()
        self.wait_idle()
        return self

    def load_samples(self) -> AppPage:
        """Press "Try with sample rosters" and wait until every sample is loaded.

        The button's run loads the files and then reruns the page, and the
        rosters render one after another: waiting for the first run is not
        enough, so wait for the sidebar's count of loaded rosters.
        """
        self.click("Try with sample rosters")
        n = sum(1 for path in (ROOT / "data" / "samples").iterdir() if path.is_file())
        self.page.locator('[data-testid="stSidebar"]').get_by_text(
            f"{n} roster(s) loaded", exact=False
        ).first.wait_for(timeout=ACTION_MS)
        self.wait_idle()
        return self

    def text(self) -> str:
        """The visible text of the main area."""
        return self.page.locator('[data-testid="stMain"]').inner_text()

    def metrics(self) -> dict[str, str]:
        """Every st.metric on screen: label -> value."""
        out = {}
        for metric in self.page.locator('[data-testid="stMetric"]').all():
            label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
            value = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
            out[label] = value
        return out

    def metric(self, label: str):
        """The value element of the st.metric with this label (for Playwright's ``expect``)."""
        box = self.page.locator('[data-testid="stMetric"]').filter(
            has=self.page.locator('[data-testid="stMetricLabel"]', has_text=label)
        )
        return box.first.locator('[data-testid="stMetricValue"]')

    def screenshot(self, name: str) -> Path:
        """Save the whole page (not just the window) to docs/screenshots/NAME.png for the README."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page = self.page
        self._settle()
        # Streamlit scrolls inside its main area, so grow the window to the content's height.
        height = page.evaluate(
            """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stMain"] *')]
                 .slice(0, 50).map(e => e.scrollHeight))"""
        )
        size = page.viewport_size
        page.set_viewport_size({"width": size["width"], "height": min(max(height + 40, 800), 7000)})
        page.wait_for_timeout(800)  # let charts and tables redraw at the new size
        page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(size)
        return path


@pytest.fixture
def new_page(browser, app_server) -> Iterator[Callable[..., AppPage]]:
    """Open the app in a fresh browser context (a new Streamlit session) per call."""
    contexts = []

    def factory(server: AppServer | None = None, url_path: str = "") -> AppPage:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(ACTION_MS)
        context.add_init_script(script=RUN_COUNTER_JS)
        contexts.append(context)
        app = AppPage(context.new_page(), server or app_server)
        return app.goto(url_path)

    yield factory
    for context in contexts:
        context.close()
