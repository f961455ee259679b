#!/usr/bin/python3
"""Runs examples/python/tune_sgd_digits.py end to end against the real server binary.

Run by CTest (test `python_example`, label e2e) with PYTHONPATH=<build>/python and
HYPERD_BINARY=<build>/server/hyperd.
"""

import os
import re
import subprocess
import sys
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

import hyperd  # noqa: E402
from python_hyperd_server import HyperdServer  # noqa: E402

_EXAMPLE = os.path.join(_HERE, "..", "..", "examples", "python", "tune_sgd_digits.py")
_EXAMPLE_DEADLINE_S = 240


class PythonExampleTest(unittest.TestCase):

    def test_sgd_digits_example_tunes_every_trial_and_prints_the_best(self):
        with HyperdServer() as server:
            result = subprocess.run(
                [sys.executable, _EXAMPLE, f"--address={server.address}", "--study=e2e-digits",
                 "--workers=2", "--trials=6", "--epochs=3"],
                capture_output=True, text=True, timeout=_EXAMPLE_DEADLINE_S, check=False)
            output = result.stdout + result.stderr
            self.assertEqual(result.returncode, 0, output)
            self.assertRegex(result.stdout, r"Best trial #\d+: val_log_loss=\d+\.\d+ after \d+ "
                                            r"epochs", output)
            accuracy = re.search(r"test accuracy: (\d\.\d+)", result.stdout)
            self.assertIsNotNone(accuracy, output)
            self.assertGreater(float(accuracy.group(1)), 0.5, output)  # 10 classes: chance is 0.1

            with hyperd.Client(server.address) as client:
                study = hyperd.Study.get("e2e-digits", client=client)
                finished = [t for t in study.trials() if not t.is_open]
                self.assertEqual(len(finished), 6)
                for trial in finished:
                    self.assertIn(trial.state, ("SUCCEEDED", "PRUNED", "FAILED"), trial)
                    self.assertTrue(trial.measurements, trial)
            self.assertEqual(server.stop(), 0, server.log_text())


if __name__ == "__main__":
    unittest.main()
