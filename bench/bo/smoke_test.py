#!/usr/bin/python3
"""Smoke test of the Bayesian-optimisation benchmarks against the real hyperd, so they cannot rot:
run.py --quick and a tiny latency.py must exit 0 and write their tables and JSON, with a cell for
every (problem, method) and a row for every latency case.

Environment (set by bench/bo/CMakeLists.txt): HYPERD_BINARY, PYTHONPATH=<build>/python,
BO_SMOKE_METHODS (run.py --methods), BO_SMOKE_GP_SAMPLER and BO_SMOKE_TPE_SAMPLER (latency.py's
samplers).
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
QUICK_PROBLEMS = ("branin", "mixed")
QUICK_N = 15
QUICK_SEEDS = 2


def _env(name, default):
    return os.environ.get(name) or default


class BoBenchmarkSmokeTest(unittest.TestCase):

    def setUp(self):
        self._dir = tempfile.TemporaryDirectory(prefix="bo-bench-smoke-")
        self.addCleanup(self._dir.cleanup)

    def _run(self, script, *args):
        command = [sys.executable, os.path.join(_HERE, script), *args]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=240)
        self.assertEqual(completed.returncode, 0,
                         f"{' '.join(command)} exited {completed.returncode}:\n"
                         f"{completed.stdout}\n{completed.stderr[-4000:]}")
        return completed.stdout

    def test_quick_quality_run_writes_a_regret_table_and_every_run(self):
        method_list = _env("BO_SMOKE_METHODS", "random,sobol,optuna-tpe").split(",")
        markdown = os.path.join(self._dir.name, "quality.md")
        raw = os.path.join(self._dir.name, "quality.json")
        stdout = self._run("run.py", "--quick", f"--methods={','.join(method_list)}",
                           f"--markdown={markdown}", f"--json={raw}")
        with open(markdown, encoding="utf-8") as f:
            table = f.read()
        self.assertIn(table.strip(), stdout)
        self.assertIn(f"### N = {QUICK_N}", table)
        self.assertIn("| problem | " + " | ".join(method_list) + " |", table)
        for problem in QUICK_PROBLEMS:
            rows = [line for line in table.splitlines() if line.startswith(f"| {problem} |")]
            self.assertEqual(len(rows), 1, table)
            self.assertNotIn("n/a", rows[0])
            self.assertEqual(rows[0].count("["), len(method_list), rows[0])
        for method in method_list:
            self.assertRegex(table, rf"\n\| {method} \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|")
        with open(raw, encoding="utf-8") as f:
            runs = json.load(f)["runs"]
        self.assertEqual(len(runs), len(QUICK_PROBLEMS) * QUICK_SEEDS * len(method_list))
        for run in runs:
            self.assertEqual(len(run["values"]), QUICK_N)
            self.assertEqual(len(run["seconds"]), QUICK_N)

    def test_tiny_latency_run_writes_a_row_per_case_and_the_floor(self):
        gp = _env("BO_SMOKE_GP_SAMPLER", "random")
        tpe = _env("BO_SMOKE_TPE_SAMPLER", "sobol")
        markdown = os.path.join(self._dir.name, "latency.md")
        raw = os.path.join(self._dir.name, "latency.json")
        self._run("latency.py", f"--gp-sampler={gp}", f"--tpe-sampler={tpe}", "--gp-n=12,30",
                  "--tpe-n=40", "--repeats=3", "--floor-repeats=20", f"--markdown={markdown}",
                  f"--json={raw}")
        with open(markdown, encoding="utf-8") as f:
            table = f.read()
        for sampler, dim, n in ((gp, 6, 12), (gp, 6, 30), (tpe, 10, 40)):
            self.assertIn(f"| {sampler} | {dim} | {n} | ", table)
        self.assertIn("Floor: an empty RPC (GetServerInfo)", table)
        with open(raw, encoding="utf-8") as f:
            cases = json.load(f)["cases"]
        self.assertEqual([c["n"] for c in cases], [12, 30, 40])
        for case in cases:
            self.assertEqual(len(case["hyperd_ms"]), 4)
            self.assertEqual(len(case["optuna_ms"]), 4)
            self.assertTrue(all(ms > 0 for ms in case["hyperd_ms"] + case["optuna_ms"]))


if __name__ == "__main__":
    unittest.main()
