"""Runs the Dockerfile's HEALTHCHECK command and stop sequence against the real hyperd (no Docker
needed): the check passes while hyperd serves, SIGTERM (docker stop) ends hyperd with exit 0
within the grace period, and the check then fails.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import deploy_testlib as lib
import docker_test

START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10  # docker stop's default wait before SIGKILL


def HealthcheckArgv():
    """Returns the HEALTHCHECK CMD of the runtime stage as an argv list."""
    (runtime,) = [s for s in docker_test.ParseDockerfile(docker_test.DOCKERFILE)
                  if s["name"] == "runtime"]
    (health,) = [args for kw, args in runtime["instructions"] if kw == "HEALTHCHECK"]
    return docker_test.ExecForm(health[health.index("CMD") + len("CMD"):].strip())


class DockerHealthcheckTest(unittest.TestCase):
    def setUp(self):
        self.hyperd = lib.RequireBinary("HYPERD_BINARY", "hyperd")
        self.hyperctl = lib.RequireBinary("HYPERCTL_BINARY", "hyperctl")
        self.tmp = tempfile.mkdtemp(prefix="hyperd-healthcheck-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def StartHyperd(self):
        port_file = os.path.join(self.tmp, "ports")
        log = open(os.path.join(self.tmp, "hyperd.log"), "wb")  # pylint: disable=consider-using-with
        self.addCleanup(log.close)
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            [self.hyperd, "--listen=127.0.0.1:0", "--metrics-listen=",
             f"--data-dir={os.path.join(self.tmp, 'data')}", f"--port-file={port_file}"],
            stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        deadline = time.monotonic() + START_TIMEOUT_S
        # Wait for a condition (the port file hyperd writes once serving), not a fixed time.
        while not os.path.exists(port_file):
            self.assertIsNone(process.poll(), f"hyperd exited early; see {log.name}")
            self.assertLess(time.monotonic(), deadline, "hyperd did not start serving")
            time.sleep(0.05)
        with open(port_file, encoding="utf-8") as f:
            ports = dict(line.split() for line in f if line.strip())
        return process, int(ports["grpc"])

    def RunHealthcheck(self, port):
        argv = HealthcheckArgv()
        self.assertEqual(argv[0], "/usr/local/bin/hyperctl")
        argv = [self.hyperctl] + [f"--server=127.0.0.1:{port}" if a.startswith("--server=")
                                  else a for a in argv[1:]]
        return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)

    def test_healthcheck_passes_while_serving_and_fails_after_docker_stop(self):
        process, port = self.StartHyperd()
        healthy = self.RunHealthcheck(port)
        self.assertEqual(healthy.returncode, 0, healthy.stdout + healthy.stderr)

        process.send_signal(signal.SIGTERM)  # what `docker stop` sends (STOPSIGNAL SIGTERM)
        self.assertEqual(process.wait(timeout=STOP_TIMEOUT_S), 0,
                         "hyperd must exit 0 on SIGTERM before docker stop's SIGKILL")

        down = self.RunHealthcheck(port)
        self.assertNotEqual(down.returncode, 0, "the healthcheck must fail with hyperd down")


if __name__ == "__main__":
    unittest.main()
