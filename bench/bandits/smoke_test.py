#!/usr/bin/python3
"""Smoke test of sor_through_server.py against the real hyperd, so it cannot rot: a short run
(2 seeds x 500 instances, linucb and ucb1) must exit 0 with --check-targets (the ratios fall,
and the server makes the in-process simulation's choices on the same seeds) and write its table
and JSON with a row per policy and every checkpoint of every run.

Environment (set by bench/bandits/CMakeLists.txt): HYPERD_BINARY, SOR_OMEGA_BINARY,
BENCH_BANDIT_SOR_BINARY.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
POLICIES = ("linucb", "ucb1")
SEEDS = 2
INSTANCES = 500


class SorThroughServerSmokeTest(unittest.TestCase):

    def test_short_run_meets_its_targets_and_writes_every_run(self):
        with tempfile.TemporaryDirectory(prefix="sor-bench-smoke-") as tmp:
            markdown = os.path.join(tmp, "sor.md")
            raw = os.path.join(tmp, "sor.json")
            command = [sys.executable, os.path.join(_HERE, "sor_through_server.py"),
                       f"--hyperd={os.environ['HYPERD_BINARY']}",
                       f"--sor-omega={os.environ['SOR_OMEGA_BINARY']}",
                       f"--bench-bandit-sor={os.environ['BENCH_BANDIT_SOR_BINARY']}",
                       f"--policies={','.join(POLICIES)}", f"--seeds={SEEDS}",
                       f"--instances={INSTANCES}", "--check-targets",
                       f"--markdown={markdown}", f"--json={raw}"]
            completed = subprocess.run(command, capture_output=True, text=True, timeout=120)
            self.assertEqual(completed.returncode, 0,
                             f"{' '.join(command)} exited {completed.returncode}:\n"
                             f"{completed.stdout}\n{completed.stderr[-4000:]}")
            with open(markdown, encoding="utf-8") as f:
                table = f.read()
            self.assertIn(table.strip(), completed.stdout)
            self.assertIn("| policy | T = 200 | T = 500 |", table)
            for policy in POLICIES:
                self.assertRegex(table, rf"\n\| {policy} \| [0-9.]+ \[[0-9., ]+\] \| "
                                        rf"[0-9.]+ \[[0-9., ]+\] \| ")
            self.assertNotIn("MISSED", table)
            with open(raw, encoding="utf-8") as f:
                report = json.load(f)
            self.assertEqual(len(report["runs"]), SEEDS * len(POLICIES))
            for run in report["runs"]:
                self.assertEqual(sorted(run["rows"]), ["200", "500"])
            self.assertEqual(sorted(report["same_seed_simulation"]), sorted(POLICIES))


if __name__ == "__main__":
    unittest.main()
