#!/usr/bin/python3
"""Checks the quality report's arithmetic: regret at N from a longer run, quartiles, the gp vs
Optuna count, the 1.5x rule for tpe, Hartmann-6 successes and the targets."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import report  # noqa: E402
from test_functions import PROBLEMS  # noqa: E402


def record(problem, method, seed, values):
    return {"problem": problem, "method": method, "seed": seed, "values": values,
            "seconds": [0.01 * (i + 1) for i in range(len(values))], "status": ""}


class ReportTest(unittest.TestCase):

    def test_regret_at_n_is_the_best_of_the_first_n_trials_minus_f_star(self):
        branin = PROBLEMS["branin"]
        r = record("branin", "gp", 0, [5.0, 3.0, 1.0, 2.0])
        self.assertAlmostEqual(report.regret(r, branin.f_star, 2), 3.0 - branin.f_star)
        self.assertAlmostEqual(report.regret(r, branin.f_star, 4), 1.0 - branin.f_star)

    def test_quartiles_are_median_then_25th_and_75th_percentiles(self):
        self.assertEqual(report.quartiles([4, 1, 3, 2, 5]), (3.0, 2.0, 4.0))

    def test_counts_gp_wins_tpe_ratio_and_hartmann6_successes(self):
        problems = [PROBLEMS["branin"], PROBLEMS["hartmann-6"]]
        f = {p.name: p.f_star for p in problems}
        records = []
        for seed in range(3):
            records += [
                # branin: gp 0.1 < optuna 0.5; tpe 0.7 <= 1.5 * 0.5
                record("branin", "gp", seed, [f["branin"] + 0.1]),
                record("branin", "tpe", seed, [f["branin"] + 0.7]),
                record("branin", "optuna-tpe", seed, [f["branin"] + 0.5]),
                # hartmann-6: gp 0.2 > optuna 0.1; tpe 0.16 > 1.5 * 0.1
                record("hartmann-6", "gp", seed, [f["hartmann-6"] + (0.2 if seed else 0.005)]),
                record("hartmann-6", "tpe", seed, [f["hartmann-6"] + 0.16]),
                record("hartmann-6", "optuna-tpe", seed, [f["hartmann-6"] + 0.1]),
            ]
        summary = report.summarise(records, problems, ["gp", "tpe", "optuna-tpe"], [1])
        entry = summary[1]
        self.assertEqual(entry["gp_beats_optuna"], ["branin"])
        self.assertEqual(entry["compared"], ["branin", "hartmann-6"])
        self.assertEqual(entry["tpe_within"], ["branin"])
        self.assertEqual(entry["tpe_misses"], ["hartmann-6"])
        self.assertEqual(entry["hartmann6_success"]["gp"], (1, 3))
        self.assertEqual(entry["hartmann6_success"]["optuna-tpe"], (0, 3))
        self.assertAlmostEqual(entry["seconds"]["gp"][0], 0.01)
        text = report.markdown(summary, problems, ["gp", "tpe", "optuna-tpe"], 3, 1)
        self.assertIn("gp beats optuna-tpe (lower median regret) on 1 of 2 problems: branin",
                      text)
        self.assertIn("not on: hartmann-6", text)
        self.assertIn("Hartmann-6 success (regret < 0.01): gp 1/3", text)
        checks = dict(report.targets(summary, n_problems_total=2))
        self.assertIn(False, checks.values())  # tpe misses on hartmann-6

    def test_targets_need_their_n_and_all_problems(self):
        branin = PROBLEMS["branin"]
        records = [record("branin", m, s, [branin.f_star + v] * 50)
                   for s in range(2) for m, v in (("gp", 1e-4), ("optuna-tpe", 0.1))]
        summary = report.summarise(records, [branin], ["gp", "optuna-tpe"], [50])
        checks = report.targets(summary, n_problems_total=9)
        self.assertEqual(len(checks), 1)  # branin at N=50; no hartmann-6, not all 9 problems
        self.assertTrue(checks[0][1])
        self.assertIn("branin at N=50", checks[0][0])


if __name__ == "__main__":
    unittest.main()
