"""Runs the real hyperd binary for the Python end-to-end tests.

    with HyperdServer() as server:          # binary from $HYPERD_BINARY
        client = hyperd.Client(server.address)

The server listens on a free port (--listen=127.0.0.1:0) with a temporary data directory, and
the port is read from the file it writes once serving (--port-file), polled with a deadline.
stop() sends SIGTERM and returns the exit code, which must be 0.

    with HyperdServer(metrics=True) as server:   # also serve /metrics on a free port
        url = server.metrics_url                 # http://127.0.0.1:<port>/metrics
"""

import os
import subprocess
import time
import unittest

from background_process import BackgroundProcess

_START_DEADLINE_S = 30.0


def binary_path():
    """The hyperd binary under test: $HYPERD_BINARY (set by CTest)."""
    path = os.environ.get("HYPERD_BINARY", "")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError(f"HYPERD_BINARY={path!r} is not an executable: run through ctest, or "
                           "export HYPERD_BINARY=<build>/server/hyperd")
    return path


class HyperdServer(BackgroundProcess):
    """One hyperd process on a free port with its own data directory."""

    def __init__(self, extra_args=(), metrics=False):
        """extra_args: more hyperd flags. metrics: serve Prometheus metrics on a free loopback
        port (metrics_port, metrics_url); off by default (--metrics-listen=)."""
        super().__init__()
        self._extra_args = list(extra_args)
        self._metrics = metrics
        self.port = None
        self.metrics_port = None

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    @property
    def metrics_url(self):
        if self.metrics_port is None:
            raise RuntimeError("hyperd serves no metrics: start it with HyperdServer(metrics=True)")
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

    @property
    def data_dir(self):
        return os.path.join(self._dir, "data") if self._dir is not None else None

    def start(self):
        """Starts the server and waits until it serves; returns self. Raises RuntimeError with
        the server's output if it exits or writes no port file within the deadline."""
        try:
            self._start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def _start(self):
        self.make_dir("hyperd-python-e2e-")
        port_file = os.path.join(self._dir, "ports")
        data_dir = os.path.join(self._dir, "data")
        os.makedirs(data_dir)
        self.open_log("server.log")
        metrics_listen = "127.0.0.1:0" if self._metrics else ""
        command = [binary_path(), "--listen=127.0.0.1:0", f"--data-dir={data_dir}",
                   f"--metrics-listen={metrics_listen}", f"--port-file={port_file}",
                   "--reaper-interval=100ms", *self._extra_args]
        self._process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + _START_DEADLINE_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"hyperd exited with {self._process.returncode} before "
                                   f"serving:\n{self.log_text()}")
            ports = _read_ports(port_file)
            if "grpc" in ports and (not self._metrics or "metrics" in ports):
                self.port = ports["grpc"]
                self.metrics_port = ports.get("metrics") if self._metrics else None
                return
            time.sleep(0.02)  # polling the port file, bounded by the deadline
        raise RuntimeError(f"hyperd wrote no port file within {_START_DEADLINE_S}s:\n"
                           f"{self.log_text()}")

    def stop_cleanly(self):
        """stop(), raising RuntimeError with the server's output unless it exited with 0."""
        code = self.stop()
        if code != 0:
            raise RuntimeError(f"hyperd exited with {code} on SIGTERM:\n{self.log_text()}")


def _read_ports(port_file):
    """{"grpc": port, "metrics": port} from the port file ({} while it does not exist). The
    server writes the file atomically, so a file that exists is complete."""
    ports = {}
    try:
        with open(port_file, encoding="utf-8") as f:
            for line in f:
                key, _, value = line.strip().partition(" ")
                if value.isdigit():
                    ports[key] = int(value)
    except FileNotFoundError:
        return {}
    return ports


class HyperdServerTestCase(unittest.TestCase):
    """A test case with one real hyperd per class (it must stop cleanly: exit 0 on SIGTERM) and a
    fresh hyperd.Client per test in self.client."""

    @classmethod
    def setUpClass(cls):
        cls.server = HyperdServer().start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop_cleanly()  # hyperd must exit 0 on SIGTERM
        finally:
            cls.server.cleanup()

    def setUp(self):
        import hyperd  # here, not at the top: the benches use this module without the client
        self.client = hyperd.Client(self.server.address, timeout=10.0, max_retries=2)
        self.addCleanup(self.client.close)
