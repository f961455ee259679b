"""Runs Debian's Prometheus server (and finds promtool) for the monitoring tests.

    with PrometheusServer(scrape_targets={"hyperd": "127.0.0.1:9464"},
                          rule_files=[".../hyperd_alerts.yml"]) as prometheus:
        prometheus.query('up{job="hyperd"}')   # the "result" list of /api/v1/query

The server gets a generated configuration (scrape and evaluation interval 1 s), a temporary
TSDB directory and a free loopback port; start() returns once /-/ready answers. Binaries come
from $HYPERD_PROMETHEUS / $HYPERD_PROMTOOL (set by CTest) or the PATH. They are required: a
missing binary raises RuntimeError saying how to install it, so the test fails rather than
silently skipping.
"""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from background_process import BackgroundProcess  # tests/e2e, on the path of the tests

_START_DEADLINE_S = 30.0
_PORT_ATTEMPTS = 3


def _required_binary(env, name):
    override = os.environ.get(env)
    if override:
        if not os.access(override, os.X_OK):
            raise RuntimeError(f"${env}={override!r} is not an executable: point it at {name} "
                               "or unset it to use the PATH")
        return override
    path = shutil.which(name) or f"/usr/bin/{name}"
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"{name} not found (not on PATH, not /usr/bin/{name}): install "
                           "Debian's package with `apt-get install prometheus` "
                           "(scripts/packages.txt lists it)")
    return path


def promtool_path():
    """promtool: $HYPERD_PROMTOOL, else the PATH. Raises RuntimeError if there is none."""
    return _required_binary("HYPERD_PROMTOOL", "promtool")


def prometheus_path():
    """The prometheus server: $HYPERD_PROMETHEUS, else the PATH. Raises RuntimeError if none."""
    return _required_binary("HYPERD_PROMETHEUS", "prometheus")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render_config(scrape_targets, rule_files, interval="1s"):
    """A prometheus.yml (JSON is valid YAML) scraping {job: "host:port"} every `interval`."""
    return json.dumps({
        "global": {"scrape_interval": interval, "evaluation_interval": interval,
                   "scrape_timeout": interval},
        "rule_files": [os.path.abspath(f) for f in rule_files],
        "scrape_configs": [{"job_name": job, "static_configs": [{"targets": [target]}]}
                           for job, target in sorted(scrape_targets.items())],
    }, indent=2)


class PrometheusServer(BackgroundProcess):
    """One Prometheus server on a free loopback port with its own TSDB directory."""

    def __init__(self, scrape_targets, rule_files=()):
        super().__init__()
        self._config = render_config(scrape_targets, rule_files)
        self.port = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        """Starts the server and waits until it is ready; returns self. Raises RuntimeError with
        the server's output if it exits or is not ready within the deadline."""
        try:
            self.make_dir("hyperd-ops-prometheus-")
            config = os.path.join(self._dir, "prometheus.yml")
            with open(config, "w", encoding="utf-8") as f:
                f.write(self._config)
            self.open_log("prometheus.log")
            # Prometheus cannot report a port it picked itself, so take a free one and retry if
            # another process grabbed it before Prometheus bound it.
            for attempt in range(_PORT_ATTEMPTS):
                if self._try_start(config) or attempt == _PORT_ATTEMPTS - 1:
                    break
            if self._process.poll() is not None:
                raise RuntimeError(f"prometheus exited with {self._process.returncode}:\n"
                                   f"{self.log_text()}")
        except BaseException:
            self.cleanup()
            raise
        return self

    def _try_start(self, config):
        """True once ready; False if it exited because the port was taken."""
        self.port = _free_port()
        self._process = subprocess.Popen(
            [prometheus_path(), f"--config.file={config}",
             f"--storage.tsdb.path={os.path.join(self._dir, 'data')}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + _START_DEADLINE_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.05)  # polling readiness, bounded by the deadline
        raise RuntimeError(f"prometheus not ready within {_START_DEADLINE_S}s:\n{self.log_text()}")

    def api(self, path, **params):
        """The "data" of a GET /api/v1/<path> answer; raises RuntimeError unless it succeeded."""
        query = urllib.parse.urlencode(params)
        url = f"{self.url}/api/v1/{path}" + (f"?{query}" if query else "")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = json.load(response)
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"GET {url}: HTTP {e.code}: {e.read().decode(errors='replace')}")
        if body.get("status") != "success":
            raise RuntimeError(f"GET {url}: {body}")
        return body["data"]

    def query(self, expr):
        """The result of an instant query: a list of {"metric": labels, "value": [ts, "v"]}."""
        data = self.api("query", query=expr)
        if data["resultType"] != "vector":
            raise RuntimeError(f"query {expr!r} returned a {data['resultType']}, not a vector")
        return data["result"]
