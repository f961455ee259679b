"""A headless Chromium for Python tests and benchmarks, driven by browser_driver.js
(playwright-core) over a pipe.

    with BrowserSession() as browser:            # paths from the environment, see below
        browser.new_page()
        browser.goto("http://127.0.0.1:9464/dashboard/#/")
        browser.wait_for("document.body.dataset.ready === '1'")
        rows = browser.evaluate("document.querySelectorAll('table#studies tbody tr').length")
        browser.screenshot("/tmp/studies.png", full_page=True)

Paths (CTest sets them; by hand, export them or pass them to the constructor):
  HYPERD_NODE                   node (default /usr/bin/node)
  HYPERD_BROWSER_NODE_MODULES   the node_modules holding playwright-core, i.e.
                                <build>/tests/browser/node_modules (npm ci of this folder)
  HYPERD_CHROMIUM               the browser (default /usr/bin/chromium)

Each BrowserSession has a fresh user-data-dir, removed by close(). A command that fails in the
browser raises BrowserError with playwright's message; waits never sleep, they are
page.waitForFunction calls with a deadline.
"""

import json
import os
import shutil
import subprocess
import tempfile

_DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser_driver.js")


class BrowserError(RuntimeError):
    """A browser command failed (timeout, missing element, page crash, bad expression)."""


def _path_from_env(argument, variable, default, what):
    path = argument or os.environ.get(variable) or default
    if not path or not os.path.exists(path):
        raise RuntimeError(f"{variable}={path!r}: {what} not found; run through ctest (which sets "
                           f"{variable}) or export it")
    return path


class BrowserSession:
    """One Chromium process with at most one open page. Not thread-safe."""

    def __init__(self, node=None, node_modules=None, chromium=None):
        self._node = _path_from_env(node, "HYPERD_NODE", "/usr/bin/node", "node")
        self._node_modules = _path_from_env(
            node_modules, "HYPERD_BROWSER_NODE_MODULES", None,
            "the node_modules with playwright-core (build the target browser_test_node_modules)")
        if not os.path.isdir(os.path.join(self._node_modules, "playwright-core")):
            raise RuntimeError(f"{self._node_modules} holds no playwright-core: build the CMake "
                               "target browser_test_node_modules (npm ci of tests/browser)")
        self._chromium = _path_from_env(chromium, "HYPERD_CHROMIUM", "/usr/bin/chromium",
                                        "Chromium (Debian package chromium)")
        self._process = None
        self._user_data_dir = None
        self._stderr = None
        self._next_id = 0
        self.version = None

    def start(self):
        """Starts node and Chromium; returns self."""
        self._user_data_dir = tempfile.mkdtemp(prefix="hyperd-chromium-")
        self._stderr = tempfile.TemporaryFile()
        env = dict(os.environ, NODE_PATH=self._node_modules)
        self._process = subprocess.Popen(
            [self._node, _DRIVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, env=env, text=True, encoding="utf-8", bufsize=1)
        try:
            launched = self._call("launch", executablePath=self._chromium,
                                  userDataDir=os.path.join(self._user_data_dir, "profile"))
        except BaseException:
            self.close()
            raise
        self.version = launched.get("version") if launched else None
        return self

    def close(self):
        """Closes Chromium and the driver and removes the user-data-dir."""
        if self._process is not None:
            try:
                if self._process.poll() is None:
                    self._call("close")
            except (BrowserError, OSError):
                pass  # already gone: the wait below reaps it
            finally:
                try:
                    self._process.stdin.close()
                except OSError:
                    pass
                try:
                    self._process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
                self._process.stdout.close()
                self._process = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._user_data_dir is not None:
            shutil.rmtree(self._user_data_dir, ignore_errors=True)
            self._user_data_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.close()
        return False

    # -- commands ---------------------------------------------------------------------------------

    def new_page(self, width=None, height=None):
        """Closes the current page and opens a new one (fresh sessionStorage, error log)."""
        self._call("newPage", width=width, height=height)

    def goto(self, url, timeout_s=15.0):
        """Navigates the page to url; returns the HTTP status of the document."""
        return self._call("goto", url=url, timeoutMs=timeout_s * 1000)

    def reload(self, timeout_s=15.0):
        """Reloads the page (a new document; the tab's sessionStorage survives)."""
        return self._call("reload", timeoutMs=timeout_s * 1000)

    def wait_for(self, expression, timeout_s=15.0):
        """Waits until the JavaScript expression is truthy in the page; returns its value.
        Raises BrowserError naming the expression when the deadline passes."""
        try:
            return self._call("waitFor", expression=expression, timeoutMs=timeout_s * 1000)
        except BrowserError as e:
            raise BrowserError(f"waiting for `{expression}`: {e}") from None

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        return self._call("evaluate", expression=expression)

    def fill(self, selector, value, timeout_s=10.0):
        self._call("fill", selector=selector, value=value, timeoutMs=timeout_s * 1000)

    def press(self, selector, key, timeout_s=10.0):
        self._call("press", selector=selector, key=key, timeoutMs=timeout_s * 1000)

    def click(self, selector, timeout_s=10.0):
        self._call("click", selector=selector, timeoutMs=timeout_s * 1000)

    def wait_for_selector(self, selector, timeout_s=10.0):
        """Waits until an element matching the CSS selector is visible."""
        self._call("waitForSelector", selector=selector, timeoutMs=timeout_s * 1000)

    def screenshot(self, path, full_page=False, selector=None):
        """Saves a PNG of the viewport, of the whole scrollable page (full_page) or of the first
        element matching the CSS selector; returns the path."""
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        return self._call("screenshot", path=os.path.abspath(path), fullPage=full_page,
                          selector=selector)

    def page_errors(self):
        """Uncaught exceptions and console errors of the current page, as strings."""
        return self._call("errors")

    # -- the pipe ---------------------------------------------------------------------------------

    def _call(self, cmd, **fields):
        if self._process is None:
            raise BrowserError(f"{cmd}: the browser is not running (call start() first)")
        self._next_id += 1
        request = {"id": self._next_id, "cmd": cmd}
        request.update({k: v for k, v in fields.items() if v is not None})
        try:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        except OSError as e:
            raise BrowserError(f"{cmd}: the driver's pipe broke ({e}):\n{self._driver_log()}") from None
        if not line:
            raise BrowserError(f"{cmd}: the browser driver exited:\n{self._driver_log()}")
        reply = json.loads(line)
        if reply.get("id") != request["id"]:
            raise BrowserError(f"{cmd}: reply {reply!r} does not answer request {request['id']}")
        if not reply.get("ok"):
            raise BrowserError(f"{cmd}: {reply.get('error')}")
        return reply.get("result")

    def _driver_log(self):
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-10000:]
