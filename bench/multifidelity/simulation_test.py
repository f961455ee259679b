#!/usr/bin/python3
"""Unit tests of the benchmark's simulation, scoring and synthetic curve family (no server).

    /usr/bin/python3 bench/multifidelity/simulation_test.py -v
"""

import math
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import simulation  # noqa: E402
import synthetic_curves  # noqa: E402


class _Handle:
    def __init__(self, index):
        self.index = index


class FakeRun:
    """Hands out configurations 0, 1, 2, ...; stops a trial at `stop_at[index]` if listed."""

    def __init__(self, stop_at=None):
        self.stop_at = stop_at or {}
        self.events = []
        self.next_index = 0

    def new_trial(self, worker):
        handle = _Handle(self.next_index)
        self.events.append(("new", worker, handle.index))
        self.next_index += 1
        return handle

    def report(self, handle, epoch, value, last):
        self.events.append(("report", handle.index, epoch, value, last))
        return self.stop_at.get(handle.index) == epoch

    def complete(self, handle, value, pruned):
        self.events.append(("complete", handle.index, value, pruned))

    def abandon(self, handle):
        self.events.append(("abandon", handle.index))


def _curves(count, epochs):
    # Configuration i has loss 10 * i + epoch at every epoch: distinct, easy to check.
    return np.array([[10.0 * i + e for e in range(1, epochs + 1)] for i in range(count)])


class SimulateTest(unittest.TestCase):

    def test_workers_advance_in_lockstep_and_every_epoch_counts_as_compute(self):
        run = FakeRun()
        result = simulation.simulate(run, _curves(10, 3), max_resource=3, budget=12, workers=2)
        # Worker 0 trains config 0 at compute 1, 3, 5; worker 1 trains config 1 at 2, 4, 6.
        self.assertEqual(result.completions, [
            simulation.Completion(5, 3.0, 0), simulation.Completion(6, 13.0, 1),
            simulation.Completion(11, 23.0, 2), simulation.Completion(12, 33.0, 3)])
        self.assertEqual(result.trials_started, 4)
        self.assertEqual(result.epochs_per_trial, [(0, 3), (1, 3), (2, 3), (3, 3)])
        reports = [e for e in run.events if e[0] == "report"]
        self.assertEqual(len(reports), 12)
        self.assertEqual([e[4] for e in reports if e[1] == 0], [False, False, True])

    def test_a_stopped_trial_completes_pruned_and_frees_its_worker(self):
        run = FakeRun(stop_at={0: 1, 1: 2})
        result = simulation.simulate(run, _curves(10, 3), max_resource=3, budget=8, workers=1)
        self.assertIn(("complete", 0, 1.0, True), run.events)
        self.assertIn(("complete", 1, 12.0, True), run.events)
        # 1 + 2 epochs for the stopped trials, 3 for config 2, then 2 epochs of config 3.
        self.assertEqual(result.completions, [simulation.Completion(6, 23.0, 2)])
        self.assertEqual(result.epochs_per_trial, [(0, 1), (1, 2), (2, 3), (3, 2)])
        self.assertEqual(run.events[-1], ("abandon", 3))

    def test_a_stop_at_max_resource_still_completes_the_trial_with_its_final_loss(self):
        run = FakeRun(stop_at={0: 2})
        result = simulation.simulate(run, _curves(2, 2), max_resource=2, budget=2, workers=1)
        self.assertEqual(result.completions, [simulation.Completion(2, 2.0, 0)])

    def test_refuses_curves_shorter_than_max_resource(self):
        with self.assertRaises(ValueError):
            simulation.simulate(FakeRun(), _curves(2, 3), max_resource=4, budget=4, workers=1)


class ScoringTest(unittest.TestCase):

    def setUp(self):
        completions = [simulation.Completion(10, 0.5, 1), simulation.Completion(20, 0.7, 2),
                       simulation.Completion(30, 0.3, 3)]
        self.result = simulation.RunResult(40, completions, 5, [], {})

    def test_best_at_counts_only_trials_finished_within_the_compute(self):
        self.assertEqual(self.result.best_at(9), math.inf)
        self.assertEqual(self.result.best_at(10), 0.5)
        self.assertEqual(self.result.best_at(29), 0.5)
        self.assertEqual(self.result.best_at(40), 0.3)
        self.assertEqual(self.result.final_best, 0.3)

    def test_compute_to_reach_is_the_first_finish_at_or_below_the_target(self):
        self.assertEqual(self.result.compute_to_reach(0.5), 10)
        self.assertEqual(self.result.compute_to_reach(0.4), 30)
        self.assertEqual(self.result.compute_to_reach(0.1), math.inf)

    def test_median_orders_never_reached_last(self):
        self.assertEqual(simulation.median([3, math.inf, 1]), 3)
        self.assertEqual(simulation.median([math.inf, math.inf, 1]), math.inf)

    def test_top_overlap_counts_shared_members_of_the_two_top_sets(self):
        # Final order 0 < 1 < 2 < 3; first-epoch order 3 < 2 < 0 < 1.
        curves = np.array([[3.0, 1.0], [4.0, 2.0], [2.0, 3.0], [1.0, 4.0]])
        self.assertEqual(simulation.top_overlap(curves, 1, k=2), 0)
        self.assertEqual(simulation.top_overlap(curves, 1, k=3), 2)
        self.assertEqual(simulation.top_overlap(curves, 2, k=2), 2)
        self.assertAlmostEqual(simulation.rank_correlation(curves, 2), 1.0)


class SyntheticCurvesTest(unittest.TestCase):

    def test_the_same_seed_gives_the_same_pool_and_another_seed_another(self):
        _, a = synthetic_curves.make_pool(3, 200, 27)
        _, b = synthetic_curves.make_pool(3, 200, 27)
        _, c = synthetic_curves.make_pool(4, 200, 27)
        np.testing.assert_array_equal(a, b)
        self.assertFalse(np.array_equal(a, c))

    def test_curves_are_finite_positive_losses_below_a_diverged_run(self):
        _, curves = synthetic_curves.make_pool(0, 2000, 81)
        self.assertEqual(curves.shape, (2000, 81))
        self.assertTrue(np.all(np.isfinite(curves)))
        self.assertTrue(np.all(curves > 0))
        self.assertLess(curves.max(), 2 * synthetic_curves.CHANCE_LOSS)

    def test_the_best_after_one_epoch_are_mostly_not_the_best_at_the_end(self):
        # The property that keeps the family from flattering early stopping.
        for seed in range(3):
            _, curves = synthetic_curves.make_pool(seed, 500, 81)
            self.assertLessEqual(simulation.top_overlap(curves, 1), 3)
            self.assertLess(simulation.rank_correlation(curves, 1), 0.6)


if __name__ == "__main__":
    unittest.main()
