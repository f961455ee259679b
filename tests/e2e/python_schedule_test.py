#!/usr/bin/python3
"""End-to-end tests of learning-rate schedule tuning from Python against the real hyperd binary:
studies whose trials get schedules (hyperd.TrialLR evaluates them locally), per-step reports
(hyperd.StepReporter, ReportSteps), refinement from a finished trial's gradient norms, the
online rules (hypergradient descent, re-refinement), and the stateless RefineSchedule and
PlanSchedules RPCs.

Run by CTest (test `python_schedule`, label e2e) with PYTHONPATH=<build>/python and
HYPERD_BINARY=<build>/server/hyperd; by hand:

    PYTHONPATH=build/python HYPERD_BINARY=build/server/hyperd \
        /usr/bin/python3 tests/e2e/python_schedule_test.py -v
"""

import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hyperd  # noqa: E402
from hyperd.client import pb  # noqa: E402
from python_hyperd_server import HyperdServerTestCase  # noqa: E402


class FakeOptimizer:
    """All TrialLR needs of an optimizer: param groups with an "lr"."""

    def __init__(self):
        self.param_groups = [{"lr": None}]


def expected_lr(family, lr, total, warmup, t):
    """The closed forms written out independently of hyperd.Schedule (spec §1.3, HF warm-up
    from 0, WSD cooldown_fraction 0.2 with linear decay, floor 0)."""
    if t < warmup:
        return lr * t / warmup
    u = (t - warmup) / (total - warmup)
    if family == "linear":
        return lr * (1 - u)
    if family == "cosine":
        return lr * 0.5 * (1 + math.cos(math.pi * u))
    if family == "wsd":
        cooldown = math.floor(0.2 * total + 0.5)
        start = total - cooldown
        return lr if t < start else lr * (1 - (t - start) / cooldown)
    raise AssertionError(family)


class PythonScheduleTest(HyperdServerTestCase):
    """Against one real hyperd for the class; self.client connects to it."""


    def create_study(self, schedule, parameters=None, **kwargs):
        """A study named after the running test, with `schedule` as its ScheduleSpec."""
        study_id = self.id().rsplit(".", 1)[-1].replace("_", "-")[:63]
        if parameters is None:
            parameters = [hyperd.Float("lr", 1e-3, 1.0, log=True)]
        return hyperd.Study.create(study_id, parameters=parameters, schedule=schedule,
                                   seed=11, client=self.client, **kwargs)

    def test_trials_follow_their_sampled_family_and_peak_lr_locally(self):
        total, warmup = 120, 10
        study = self.create_study(
            {"schedule": {"family": "linear", "base_lr": 0.1, "total_steps": total,
                          "warmup_steps": warmup},
             "parameter_fields": {"lr": "base_lr", "shape": "family"}},
            parameters=[hyperd.Float("lr", 1e-3, 1.0, log=True),
                        hyperd.Categorical("shape", ["linear", "cosine", "wsd"])],
            sampler="grid")
        self.assertEqual(study.spec.schedule.parameter_fields["shape"], "family")
        families = set()
        for _ in range(6):
            trial = study.suggest()
            family, lr = trial.params["shape"], trial.params["lr"]
            families.add(family)
            self.assertEqual(trial.schedule.family, family)
            self.assertEqual(trial.schedule.base_lr, lr)
            optimizer = FakeOptimizer()
            scheduler = hyperd.TrialLR(optimizer, trial)
            for t in range(total):
                self.assertAlmostEqual(optimizer.param_groups[0]["lr"],
                                       expected_lr(family, lr, total, warmup, t), delta=1e-12,
                                       msg=f"{family} step {t}")
                scheduler.step()
            trial.complete(lr)
        self.assertEqual(families, {"linear", "cosine", "wsd"})

    def test_step_reports_go_in_batches_and_a_resent_batch_is_counted_as_duplicates(self):
        study = self.create_study({"family": "constant", "base_lr": 0.1, "total_steps": 100})
        trial = study.suggest()
        scheduler = hyperd.TrialLR(FakeOptimizer(), trial)
        reporter = hyperd.StepReporter(trial, every=25, seconds=None, scheduler=scheduler)
        for t in range(100):
            scheduler.step(loss=1.0, grad_norm_l2=2.0 + t, grad_norm_l1=5.0)
        self.assertEqual((reporter.batches, reporter.accepted, reporter.duplicates), (4, 100, 0))
        # A job restarted from a checkpoint at step 60 reports steps 60... again.
        again = hyperd.StepReporter(trial, every=1000, seconds=None)
        for t in range(60, 110):
            again.record(t, lr_applied=0.1, grad_norm_l2=1.0)
        again.close()
        self.assertEqual((again.accepted, again.duplicates), (10, 40))
        trial.complete(1.0)
        with self.assertRaises(hyperd.FailedPreconditionError):
            again.record(200, lr_applied=0.1)
            again.flush()

    def test_refinement_gives_the_next_trial_linear_decay_after_constant_norms(self):
        total = 200
        study = self.create_study(
            {"schedule": {"family": "cosine", "base_lr": 0.1, "total_steps": total},
             "parameter_fields": {"lr": "base_lr"}, "refine": {"enabled": True}})
        first = study.suggest()
        self.assertEqual(first.schedule.family, "cosine")
        scheduler = hyperd.TrialLR(FakeOptimizer(), first)
        with hyperd.StepReporter(first, scheduler=scheduler) as reporter:
            for _ in range(total):
                scheduler.step(grad_norm_l2=3.0)
        self.assertEqual(reporter.accepted, total)
        first.complete(0.5)
        second = study.suggest()
        self.assertEqual(second.schedule.family, "tabulated")
        self.assertEqual(second.schedule.base_lr, second.params["lr"])  # the peak LR re-swept
        shape = [second.schedule.shape_at(t) for t in range(total)]
        for t, s in enumerate(shape):
            self.assertAlmostEqual(s, 1 - t / (total - 1), delta=1e-9, msg=f"step {t}")

    def test_hypergradient_replies_carry_alpha_plus_beta_h_and_trial_lr_follows(self):
        beta = 0.01
        study = self.create_study(
            {"schedule": {"family": "constant", "base_lr": 0.1, "total_steps": 100},
             "online": {"rule": "hypergradient", "hypergradient_beta": beta}})
        self.assertEqual(study.spec.schedule.online.rule, pb.OnlineSettings.HYPERGRADIENT)
        trial = study.suggest()
        optimizer = FakeOptimizer()
        scheduler = hyperd.TrialLR(optimizer, trial)
        reporter = hyperd.StepReporter(trial, every=3, seconds=None, scheduler=scheduler)
        hs = [0.0, 1.0, -1.0, 2.0, 0.5, 0.25]
        alpha = 0.1
        for t, h in enumerate(hs):
            self.assertAlmostEqual(optimizer.param_groups[0]["lr"],
                                   0.1 if t < 3 else 0.1 + beta * sum(hs[:3]), delta=1e-15)
            scheduler.step(hd_dot=h, grad_norm_l2=1.0)
            alpha += beta * h
            if (t + 1) % 3 == 0:
                self.assertAlmostEqual(reporter.last_reply.next_learning_rate, alpha,
                                       delta=1e-15)
                # The LR of the step after the last reported one, i.e. the current one.
                self.assertEqual(optimizer.param_groups[0]["lr"],
                                 reporter.last_reply.next_learning_rate)
        self.assertAlmostEqual(scheduler.get_last_lr()[0], 0.1 + beta * sum(hs), delta=1e-15)
        self.assertEqual(scheduler.learning_rate(2), 0.1)  # steps taken keep their LR
        reporter.close()
        trial.complete(1.0)

    def test_rerefinement_changes_the_schedule_from_its_effective_step(self):
        total, interval = 100, 20
        study = self.create_study(
            {"schedule": {"family": "linear", "base_lr": 0.1, "total_steps": total},
             "refine": {"enabled": False},
             "online": {"rule": "rerefine", "interval_steps": interval}})
        trial = study.suggest()
        optimizer = FakeOptimizer()
        scheduler = hyperd.TrialLR(optimizer, trial)
        reporter = hyperd.StepReporter(trial, every=interval, seconds=None, scheduler=scheduler)
        before = trial.schedule
        for t in range(interval):
            # Norms that shrink fast: the refined remainder differs from linear decay.
            scheduler.step(grad_norm_l2=10.0 / (1 + t))
        changed = trial.schedule
        self.assertNotEqual(changed, before)
        self.assertEqual(changed.effective_from_step, interval)
        self.assertEqual(scheduler.schedules, [(0, before), (interval, changed)])
        self.assertEqual(optimizer.param_groups[0]["lr"], changed.learning_rate(interval))
        # Rescaled to continue from the LR in use (spec §2.7 b).
        self.assertAlmostEqual(changed.learning_rate(interval), before.learning_rate(interval),
                               delta=1e-9)
        reporter.close()
        trial.complete(1.0)

    def test_refine_schedule_rpc_turns_constant_norms_into_linear_decay(self):
        refined = hyperd.refine_schedule([2.0] * 50, client=self.client)
        self.assertFalse(refined.fell_back_to_linear_decay)
        self.assertEqual(refined.schedule.family, "tabulated")
        self.assertEqual(len(refined.multipliers), 50)
        for t, s in enumerate(refined.multipliers):
            self.assertAlmostEqual(s, 1 - t / 49, delta=1e-9)
        short = hyperd.refine_schedule([1.0] * 5, client=self.client)
        self.assertTrue(short.fell_back_to_linear_decay)
        self.assertIn("run_steps", short.fallback_reason)
        with self.assertRaises(hyperd.InvalidArgumentError):
            hyperd.refine_schedule([1.0, 2.0], steps=[3, 1], client=self.client)

    def test_plan_schedules_reproduces_the_spec_bounds_and_transfers_the_lr(self):
        plan = hyperd.plan_schedules(
            ["linear", "cosine", {"family": "wsd", "cooldown_fraction": 0.2}, "constant"],
            horizon=100, tuned_base_lr=0.2, client=self.client)
        spec = [(0.0972552, 0.2036084), (0.0946945, 0.2091144), (0.0495442, 0.2230276),
                (0.0402344, 0.2485433)]
        self.assertEqual(len(plan.bounds), 4)
        for bound, (gamma, omega) in zip(plan.bounds, spec):
            self.assertAlmostEqual(bound.optimal_base_lr, gamma, delta=1e-6)
            self.assertAlmostEqual(bound.bound, omega, delta=1e-6)
            self.assertAlmostEqual(bound.transferred_base_lr,
                                   0.2 * bound.optimal_base_lr / spec[0][0], delta=1e-5)
        self.assertIsNone(plan.extension)


if __name__ == "__main__":
    unittest.main()
