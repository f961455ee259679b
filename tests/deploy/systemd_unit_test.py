"""Checks deploy/systemd/hyperd.service: systemd accepts it, its ExecStart flags exist in the
built hyperd, and it keeps its dedicated user, state directory and hardening.

`systemd-analyze verify` needs the ExecStart binary to exist, so the unit is verified from a
temporary copy whose ExecStart points at the built hyperd (HYPERD_BINARY, set by CTest).
A missing systemd-analyze or binary fails the test (Debian package: systemd).
"""
import os
import re
import subprocess
import tempfile
import unittest

import deploy_testlib as lib

UNIT = os.path.join(lib.DEPLOY, "systemd", "hyperd.service")
INSTALLED_BINARY = "/usr/local/bin/hyperd"


def ParseUnit(path):
    """Returns {section: {key: [values in order]}} of a systemd unit file."""
    sections = {}
    current = None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.endswith("\\"):
                raise AssertionError(f"{path}:{number}: keep each setting on one line")
            m = re.fullmatch(r"\[(\w+)\]", line)
            if m:
                current = sections.setdefault(m.group(1), {})
                continue
            key, sep, value = line.partition("=")
            if not sep or current is None:
                raise AssertionError(f"{path}:{number}: {raw!r} is neither [Section] nor Key=value")
            current.setdefault(key.strip(), []).append(value.strip())
    return sections


class SystemdUnitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.unit = ParseUnit(UNIT)

    def setUp(self):
        self.assertIn("Service", self.unit, f"{UNIT} has no [Service] section")
        self.service = self.unit["Service"]

    def Value(self, key):
        self.assertIn(key, self.service, f"[Service] must set {key}=")
        return self.service[key][-1]

    def ExecStart(self):
        return self.Value("ExecStart").split()

    def Flags(self):
        argv = self.ExecStart()
        self.assertEqual(argv[0], INSTALLED_BINARY,
                         f"ExecStart must run {INSTALLED_BINARY} (the documented install path)")
        return lib.FlagMap(argv[1:])

    def test_exec_start_flags_all_exist_in_hyperd_help(self):
        known = lib.HyperdFlags(lib.RequireBinary("HYPERD_BINARY", "hyperd"))
        for name in self.Flags():
            self.assertIn(name, known,
                          f"ExecStart passes {name}, which `hyperd --helpfull` does not list; "
                          f"hyperd's flags are {sorted(known)}")

    def test_runs_as_dedicated_unprivileged_user_with_state_directory(self):
        self.assertEqual(self.Value("DynamicUser"), "yes")
        self.assertEqual(self.Value("User"), "hyperd", "a dedicated user named hyperd")
        self.assertNotIn(self.Value("User"), ("root", "0"))
        self.assertEqual(self.Value("StateDirectory"), "hyperd")
        self.assertEqual(self.Flags().get("--data-dir"), "/var/lib/hyperd",
                         "--data-dir must be the StateDirectory, /var/lib/hyperd")

    def test_keeps_hardening_options(self):
        expected = {
            "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
            "PrivateTmp": "yes", "PrivateDevices": "yes", "ProtectKernelTunables": "yes",
            "ProtectKernelModules": "yes", "ProtectControlGroups": "yes",
            "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
            "MemoryDenyWriteExecute": "yes", "LockPersonality": "yes",
            "RestrictNamespaces": "yes", "RestrictSUIDSGID": "yes",
            "CapabilityBoundingSet": "", "AmbientCapabilities": "",
            "SystemCallArchitectures": "native", "UMask": "0077",
        }
        for key, value in expected.items():
            self.assertEqual(self.Value(key), value, f"[Service] {key}")
        self.assertIn("@system-service", self.service.get("SystemCallFilter", []))
        self.assertGreaterEqual(int(self.Value("LimitNOFILE")), 4096,
                                "each gRPC connection holds a descriptor")

    def test_restarts_on_failure_and_starts_with_the_network(self):
        self.assertEqual(self.Value("Restart"), "on-failure")
        self.assertIn("network.target", self.unit["Unit"].get("After", [""])[-1].split())
        self.assertEqual(self.unit["Install"]["WantedBy"][-1], "multi-user.target")

    def test_stop_timeout_exceeds_shutdown_grace(self):
        # SIGTERM makes hyperd wait up to --shutdown-grace (default 5s) for in-flight calls, then
        # flush SQLite; systemd must not SIGKILL it before that finishes.
        self.assertEqual(self.Value("KillSignal"), "SIGTERM")
        grace = lib.ParseSeconds(self.Flags().get("--shutdown-grace") or "5s")
        stop = lib.ParseSeconds(self.Value("TimeoutStopSec"))
        self.assertGreaterEqual(stop, grace + 10,
                                f"TimeoutStopSec={stop}s leaves under 10s after "
                                f"--shutdown-grace={grace}s to flush storage")

    def test_listens_on_loopback_only(self):
        # The API is unauthenticated: a host install stays local unless the operator opts in.
        flags = self.Flags()
        self.assertEqual(lib.Host(flags["--listen"]), "127.0.0.1", flags["--listen"])
        self.assertEqual(lib.Host(flags["--metrics-listen"]), "127.0.0.1")

    def test_systemd_analyze_verify_reports_nothing(self):
        analyze = lib.RequireTool("systemd-analyze", "systemd")
        binary = os.path.abspath(lib.RequireBinary("HYPERD_BINARY", "hyperd"))
        with open(UNIT, encoding="utf-8") as f:
            text = f.read()
        self.assertIn(INSTALLED_BINARY, text)
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "hyperd.service")
            with open(copy, "w", encoding="utf-8") as f:
                f.write(text.replace(INSTALLED_BINARY, binary))
            result = subprocess.run([analyze, "verify", copy], capture_output=True, text=True,
                                    timeout=60, check=False)
        # verify exits 0 for unknown keys or bad values (it only warns), so any output fails.
        output = (result.stdout + result.stderr).strip()
        self.assertEqual(result.returncode, 0, output)
        self.assertEqual(output, "", "systemd-analyze verify complained")

    def test_systemd_analyze_verify_flags_a_broken_copy(self):
        # Guards the check above: verify must really report a bad key, or silence proves nothing.
        analyze = lib.RequireTool("systemd-analyze", "systemd")
        binary = os.path.abspath(lib.RequireBinary("HYPERD_BINARY", "hyperd"))
        with open(UNIT, encoding="utf-8") as f:
            text = f.read().replace(INSTALLED_BINARY, binary)
        text = text.replace("[Service]\n", "[Service]\nProtectSystem=sometimes\n", 1)
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "hyperd.service")
            with open(copy, "w", encoding="utf-8") as f:
                f.write(text)
            result = subprocess.run([analyze, "verify", copy], capture_output=True, text=True,
                                    timeout=60, check=False)
        self.assertIn("sometimes", result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()
