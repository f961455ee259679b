#!/usr/bin/python3
"""End-to-end tests of the `hyperd` Python package against the real server binary.

Run by CTest (test `python_client`, label e2e) with PYTHONPATH=<build>/python and
HYPERD_BINARY=<build>/server/hyperd; by hand:

    PYTHONPATH=build/python HYPERD_BINARY=build/server/hyperd \
        /usr/bin/python3 tests/e2e/python_client_test.py -v
"""

import datetime
import math
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hyperd  # noqa: E402
from python_hyperd_server import HyperdServerTestCase  # noqa: E402

_WAIT_S = 10.0


def wait_until(predicate, timeout_s=_WAIT_S, interval_s=0.05):
    """Polls predicate() until it is true or timeout_s passes; returns its last value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval_s)


def _space():
    return [
        hyperd.Float("lr", 1e-4, 1e-1, log=True),
        hyperd.Int("layers", 1, 4),
        hyperd.Categorical("optimizer", ["sgd", "adam"]),
        hyperd.Float("momentum", 0.0, 0.99, condition=hyperd.Condition("optimizer", ["sgd"])),
    ]


class PythonClientTest(HyperdServerTestCase):
    """Against one real hyperd for the class; self.client connects to it."""


    def create_study(self, **kwargs):
        """A study named after the running test, so tests never share one."""
        study_id = self.id().rsplit(".", 1)[-1].replace("_", "-")[:63]
        kwargs.setdefault("parameters", _space())
        kwargs.setdefault("seed", 7)
        return hyperd.Study.create(study_id, client=self.client, **kwargs)

    # -- studies -------------------------------------------------------------------------------

    def test_create_is_get_or_create_and_refuses_a_different_spec(self):
        first = self.create_study(max_trials=10)
        second = self.create_study(max_trials=10)
        self.assertEqual(first.name, second.name)
        self.assertEqual(first.spec, second.spec)
        self.assertEqual(first.state, "ACTIVE")
        self.assertEqual(first.objective_metric, "loss")
        self.assertEqual(first.direction, "minimize")
        self.assertEqual(hyperd.Study.get(first.study_id, client=self.client).name, first.name)
        with self.assertRaises(hyperd.AlreadyExistsError) as caught:
            self.create_study(parameters=[hyperd.Float("lr", 1e-3, 1.0)])
        self.assertEqual(caught.exception.code.name, "ALREADY_EXISTS")
        self.assertTrue(caught.exception.message)

    def test_pause_resume_complete_and_delete_change_what_suggest_returns(self):
        study = self.create_study()
        study.pause()
        self.assertEqual(study.state, "PAUSED")
        self.assertIsNone(study.suggest())
        self.assertEqual(study.last_suggest_reason, "STUDY_NOT_ACTIVE")
        study.resume()
        trial = study.suggest()
        self.assertIsNotNone(trial)
        trial.fail("not needed")
        study.complete()
        self.assertEqual(study.refresh().state, "COMPLETED")
        study.delete()
        with self.assertRaises(hyperd.NotFoundError):
            hyperd.Study.get(study.study_id, client=self.client)

    # -- suggestions ---------------------------------------------------------------------------

    def test_suggested_params_are_typed_and_inactive_conditionals_are_absent(self):
        study = self.create_study()
        trials = study.suggest_many(20)
        self.assertEqual(len(trials), 20)
        self.assertEqual(len({t.number for t in trials}), 20)
        optimizers = set()
        for trial in trials:
            params = trial.params
            self.assertIsInstance(params["lr"], float)
            self.assertTrue(1e-4 <= params["lr"] <= 1e-1, params)
            self.assertIsInstance(params["layers"], int)
            self.assertTrue(1 <= params["layers"] <= 4, params)
            self.assertIn(params["optimizer"], ("sgd", "adam"))
            optimizers.add(params["optimizer"])
            if params["optimizer"] == "sgd":
                self.assertIsInstance(params["momentum"], float)
                self.assertTrue(0.0 <= params["momentum"] <= 0.99, params)
            else:
                self.assertNotIn("momentum", params)
            self.assertEqual(trial.state, "ACTIVE")
            self.assertEqual(trial.client_id, self.client.client_id)
            self.assertEqual(trial["lr"], params["lr"])
            trial.fail("only the parameters were checked")
        self.assertEqual(optimizers, {"sgd", "adam"})

    def test_suggest_gives_a_worker_its_own_open_trial_back(self):
        study = self.create_study()
        worker = hyperd.Client(self.server.address, client_id="host-a:1:resumed")
        self.addCleanup(worker.close)
        first = hyperd.Study.get(study.study_id, client=worker).suggest()
        restarted = hyperd.Client(self.server.address, client_id="host-a:1:resumed")
        self.addCleanup(restarted.close)
        again = hyperd.Study.get(study.study_id, client=restarted).suggest()
        self.assertEqual(again.number, first.number)
        other = study.suggest()
        self.assertNotEqual(other.number, first.number)
        for trial in (first, other):
            trial.fail("done")

    def test_suggest_returns_none_with_the_reason_at_max_trials(self):
        study = self.create_study(max_trials=2)
        self.assertEqual(len(study.suggest_many(5)), 2)
        self.assertEqual(study.last_suggest_reason, "MAX_TRIALS_REACHED")
        other_worker = hyperd.Client(self.server.address)
        self.addCleanup(other_worker.close)
        late = hyperd.Study.get(study.study_id, client=other_worker)
        self.assertIsNone(late.suggest())
        self.assertEqual(late.last_suggest_reason, "MAX_TRIALS_REACHED")

    def test_enqueued_configuration_is_handed_out_first(self):
        study = self.create_study()
        queued = study.enqueue({"lr": 0.01, "layers": 3, "optimizer": "adam"})
        self.assertEqual(queued.state, "REQUESTED")
        trial = study.suggest()
        self.assertEqual(trial.number, queued.number)
        self.assertEqual(trial.params, {"lr": 0.01, "layers": 3, "optimizer": "adam"})
        trial.fail("done")

    # -- reports and completion ----------------------------------------------------------------

    def test_report_acknowledges_duplicates_and_refuses_steps_going_back(self):
        study = self.create_study()
        trial = study.suggest()
        self.assertFalse(trial.report(1, 0.5))
        self.assertFalse(trial.last_report.duplicate)
        self.assertFalse(trial.report(1, 0.4))
        self.assertTrue(trial.last_report.duplicate)
        self.assertFalse(trial.report(2, 0.3, accuracy=0.8))
        self.assertIsNotNone(trial.last_report.lease_expire_time)
        with self.assertRaises(hyperd.InvalidArgumentError):
            trial.report(0, 0.9)
        trial.refresh()
        self.assertEqual(trial.measurements,
                         [(1, {"loss": 0.5}), (2, {"loss": 0.3, "accuracy": 0.8})])
        trial.complete()
        self.assertEqual(trial.state, "SUCCEEDED")
        self.assertEqual(trial.objective_value, 0.3)  # the last report, not the duplicate

    def test_stopped_trial_says_should_stop_and_completes_pruned(self):
        study = self.create_study()
        trial = study.suggest()
        self.assertFalse(trial.report(1, 0.5))
        self.assertFalse(trial.should_stop())
        study.stop_trial(trial.number, reason="operator asked")
        self.assertTrue(trial.should_stop())
        self.assertTrue(trial.report(2, 0.4))
        self.assertTrue(trial.stop_requested)
        trial.complete()
        self.assertEqual(trial.state, "PRUNED")

    def test_successive_halving_stops_a_trial_below_the_cutoff(self):
        study = self.create_study(scheduler={"successive_halving": {"min_resource": 1}},
                                  max_resource=9)
        # Each arrival is a new worker: a client holds one open trial at a time.
        leaders = [hyperd.Study.get(study.study_id, client=hyperd.Client(self.server.address))
                   for _ in range(2)]
        for view, loss in zip(leaders, (0.2, 0.1)):  # each the best so far: both continue
            self.assertFalse(view.suggest().report(1, loss))
        late = study.suggest()
        self.assertEqual(late.bracket, 0)
        self.assertTrue(late.report(1, 0.9))  # worse than the best of three: stop
        late.complete()
        self.assertEqual(late.state, "PRUNED")

    def test_hyperband_assigns_brackets(self):
        study = self.create_study(scheduler="hyperband", max_resource=9)
        brackets = set()
        for _ in range(12):
            trial = study.suggest()
            brackets.add(trial.bracket)
            trial.report(9, 1.0)
            trial.complete()
        self.assertLessEqual(brackets, {0, 1, 2})
        self.assertGreater(len(brackets), 1)

    def test_non_finite_report_asks_to_stop_and_non_finite_final_value_fails(self):
        study = self.create_study()
        trial = study.suggest()
        self.assertTrue(trial.report(1, math.nan))
        trial.complete(math.inf)
        self.assertEqual(trial.state, "FAILED")

    def test_best_trial_is_the_lowest_completed_objective(self):
        study = self.create_study()
        self.assertIsNone(study.best_trial())
        numbers = {}
        for value in (0.3, 0.1, 0.2):
            trial = study.suggest()
            trial.report(1, value + 1.0)
            trial.complete(value)
            self.assertEqual(trial.state, "SUCCEEDED")
            self.assertEqual(trial.objective_value, value)
            numbers[value] = trial.number
        best = study.best_trial()
        self.assertEqual(best.number, numbers[0.1])
        self.assertEqual(best.value, 0.1)
        self.assertEqual(study.refresh().trial_counts["SUCCEEDED"], 3)

    def test_ask_and_tell_complete_a_trial(self):
        study = self.create_study()
        trial = study.ask()
        study.tell(trial.number, 0.25)
        self.assertEqual(study.get_trial(trial.number).objective_value, 0.25)

    def test_infeasible_trial_keeps_its_reason(self):
        study = self.create_study()
        trial = study.suggest().infeasible("out of memory")
        self.assertEqual(trial.state, "INFEASIBLE")
        self.assertIn("out of memory", trial.reason)

    def test_trials_follow_pagination_and_filter_by_state(self):
        study = self.create_study()
        created = study.suggest_many(7)
        for trial in created[:4]:
            trial.complete(0.5)
        for trial in created[4:]:
            trial.fail("filtered")
        calls = []
        original_call = self.client.call

        def counting_call(method, request, timeout=None):
            calls.append(method)
            return original_call(method, request, timeout)

        self.client.call = counting_call
        numbers = [t.number for t in study.trials(page_size=3)]
        self.assertEqual(numbers, sorted(t.number for t in created))
        self.assertEqual(calls.count("ListTrials"), 3)
        failed = [t.number for t in study.trials(states=["FAILED"], page_size=2)]
        self.assertEqual(failed, [t.number for t in created[4:]])

    # -- bandit studies ------------------------------------------------------------------------

    def test_thompson_learns_the_best_of_three_arms(self):
        rewards = {"fast": 0.9, "medium": 0.3, "slow": 0.1}
        study = self.create_study(parameters=[hyperd.Categorical("solver", list(rewards))],
                                  objective=("score", "maximize"), sampler="thompson")
        self.assertEqual(study.spec.sampler.WhichOneof("algorithm"), "thompson")
        for _ in range(30):
            trial = study.suggest()
            self.assertIsNotNone(trial.bandit)
            self.assertEqual(trial.bandit.probability, 1.0)  # argmax of the posterior draws
            self.assertIsNone(trial.bandit.reward)
            trial.complete(rewards[trial.params["solver"]])
            self.assertEqual(trial.bandit.reward, rewards[trial.params["solver"]])
            self.assertEqual(trial.arm, trial.bandit.arm)

        calls = []
        original_call = self.client.call

        def counting_call(method, request, timeout=None):
            calls.append(method)
            return original_call(method, request, timeout)

        self.client.call = counting_call
        arms = study.arms(page_size=2)
        self.assertEqual(calls.count("ListArms"), 2)
        self.assertEqual(arms.algorithm, "thompson")
        self.assertEqual(arms.arm_count, 3)
        self.assertEqual(arms.rewards_applied, 30)
        self.assertEqual([arm.arm for arm in arms], [0, 1, 2])
        self.assertEqual(sum(arm.pulls for arm in arms), 30)
        self.assertEqual(sum(arm.pending for arm in arms), 0)
        self.assertEqual({arm.parameters["solver"] for arm in arms}, set(rewards))
        best = max(arms, key=lambda arm: arm.mean_reward)
        self.assertEqual(best.parameters, {"solver": "fast"}, arms)
        self.assertGreater(best.pulls, 10, arms)
        for arm in arms:
            self.assertIsInstance(arm, hyperd.Arm)
            self.assertLessEqual(arm.lower_bound, arm.mean_reward)
            self.assertGreaterEqual(arm.upper_bound, arm.mean_reward)
            self.assertEqual(arm.effective_pulls, arm.pulls)  # no drift: nothing forgotten

    def test_linucb_needs_the_context_the_study_declares(self):
        study = self.create_study(
            parameters=[hyperd.Categorical("solver", ["cg", "gmres"]), hyperd.Int("restart", 1, 2)],
            objective=("iterations", "minimize"), context_dimension=2,
            sampler={"linucb": {"alpha": 0.5, "reward": {"scale": "capped_cost", "cap": 1000}}})
        linucb = study.spec.sampler.linucb
        self.assertEqual(linucb.alpha, 0.5)
        self.assertEqual(linucb.reward.scale, hyperd.client.pb.BanditReward.CAPPED_COST)
        self.assertEqual(linucb.reward.cap, 1000)
        with self.assertRaises(hyperd.InvalidArgumentError) as caught:
            study.suggest()
        self.assertIn("context", caught.exception.message)
        trial = study.suggest(context=[1.0, 0.5])
        self.assertEqual(trial.context, [1.0, 0.5])
        self.assertIn(trial.arm, range(4))
        trial.complete(250)
        self.assertAlmostEqual(trial.bandit.reward, 0.75)  # 1 - 250 / 1000
        arms = study.arms()
        self.assertEqual(arms.algorithm, "linucb")
        self.assertEqual(len(arms), 4)
        self.assertEqual(arms[trial.arm].parameters, trial.params)
        self.assertEqual(arms[trial.arm].pulls, 1)

    def test_arms_of_a_study_without_a_bandit_sampler_is_failed_precondition(self):
        study = self.create_study()
        with self.assertRaises(hyperd.FailedPreconditionError) as caught:
            study.arms()
        self.assertIn("bandit", caught.exception.message)
        self.assertIsNone(study.suggest().bandit)

    # -- errors --------------------------------------------------------------------------------

    def test_errors_map_to_exception_classes(self):
        with self.assertRaises(hyperd.NotFoundError) as caught:
            hyperd.Study.get("no-such-study", client=self.client)
        self.assertEqual(caught.exception.method, "GetStudy")
        self.assertIsInstance(caught.exception, hyperd.HyperdError)
        with self.assertRaises(hyperd.InvalidArgumentError) as caught:
            self.create_study(parameters=[hyperd.Float("lr", 1.0, 0.5)])
        self.assertIn("search_space.parameters[0]", caught.exception.message)  # the field path
        trial = self.create_study().suggest()
        trial.complete(1.0)
        with self.assertRaises(hyperd.FailedPreconditionError):
            trial.complete(2.0)
        unreachable = hyperd.Client("127.0.0.1:1", timeout=2.0, max_retries=1)
        self.addCleanup(unreachable.close)
        with self.assertRaises(hyperd.UnavailableError):
            unreachable.server_info()

    # -- context manager and heartbeat ---------------------------------------------------------

    def test_context_manager_fails_the_trial_when_training_raises(self):
        study = self.create_study()
        trial = study.suggest()
        with self.assertRaisesRegex(ValueError, "diverged badly"):
            with trial:
                trial.report(1, 0.5)
                raise ValueError("diverged badly")
        self.assertFalse(trial.heartbeating)
        trial.refresh()
        self.assertEqual(trial.state, "FAILED")
        self.assertIn("diverged badly", trial.reason)

    def test_context_manager_completes_with_the_last_report(self):
        study = self.create_study()
        with study.suggest() as trial:
            trial.report(1, 0.5)
            trial.report(2, 0.25)
        self.assertEqual(trial.state, "SUCCEEDED")
        self.assertEqual(trial.objective_value, 0.25)

    def test_heartbeat_thread_renews_the_lease_until_the_trial_completes(self):
        lease = datetime.timedelta(seconds=3)  # heartbeats every 0.75 s: 4 chances per lease
        study = self.create_study(lease_duration=lease)
        trial = study.suggest()
        self.assertTrue(trial.heartbeating)
        first_expiry = trial.lease_expire_time
        self.assertIsNotNone(first_expiry)

        def server_expiry():
            return study.get_trial(trial.number).lease_expire_time

        self.assertTrue(wait_until(lambda: server_expiry() > first_expiry),
                        "the heartbeat thread never renewed the lease")
        # Past the first lease's end (plus reaper slack) the trial is still ours.
        past_first_lease = first_expiry + datetime.timedelta(milliseconds=500)
        self.assertTrue(wait_until(
            lambda: datetime.datetime.now(datetime.timezone.utc) > past_first_lease))
        self.assertEqual(study.get_trial(trial.number).state, "ACTIVE")
        thread = trial._heartbeat_thread
        trial.complete(0.1)
        thread.join(timeout=_WAIT_S)
        self.assertFalse(thread.is_alive())
        self.assertFalse(trial.heartbeating)
        self.assertEqual(trial.state, "SUCCEEDED")

    def test_threads_with_their_own_clients_get_distinct_trials(self):
        study_id = self.create_study().study_id
        results = []

        def worker():
            with hyperd.Client(self.server.address) as client:
                trial = hyperd.Study.get(study_id, client=client).suggest()
                trial.report(1, 0.5)
                results.append(trial.complete(0.5).number)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=_WAIT_S)
        self.assertEqual(len(set(results)), 4)


class PythonSpecBuilderTest(unittest.TestCase):
    """Client-side checks that need no server."""

    def test_condition_values_follow_the_parent_kind(self):
        from hyperd.space import search_space_to_proto
        space = search_space_to_proto([
            hyperd.Int("depth", 1, 3),
            hyperd.Float("width", 1.0, 2.0, condition=("depth", [2, 3])),
            hyperd.Categorical("act", ["relu", "tanh"]),
            hyperd.Float("slope", 0.1, 1.0, log=True, condition=hyperd.Condition("act", "relu")),
        ])
        self.assertEqual(list(space.parameters[1].condition.integer_values), [2, 3])
        self.assertEqual(list(space.parameters[3].condition.categorical_values), ["relu"])

    def test_wrong_types_are_refused_before_any_rpc(self):
        with self.assertRaises(TypeError):
            hyperd.Int("n", 1.5, 3)
        with self.assertRaises(TypeError):
            hyperd.Categorical("batch", [32, 64])
        with self.assertRaises(ValueError):
            hyperd.Study.create("x", parameters=[], sampler="no-such-sampler",
                                client=hyperd.Client("127.0.0.1:1"))

    def test_bandit_sampler_names_and_settings_become_the_sampler_spec(self):
        from hyperd.study import _algorithm_to_proto
        pb = hyperd.client.pb
        for name in ("ucb1", "thompson", "exp3", "tsallis_inf", "linucb"):
            self.assertEqual(_algorithm_to_proto(pb.SamplerSpec, name, "sampler")
                             .WhichOneof("algorithm"), name)
        spec = _algorithm_to_proto(pb.SamplerSpec, {"linucb": {
            "alpha": 0.5, "target": "reward",
            "reward": {"scale": "CAPPED_COST", "cap": 1000, "failure_reward": 0.0}}}, "sampler")
        self.assertEqual(spec.linucb.alpha, 0.5)
        self.assertEqual(spec.linucb.target, pb.LinUcbSampler.REWARD)
        self.assertEqual(spec.linucb.reward.scale, pb.BanditReward.CAPPED_COST)
        self.assertTrue(spec.linucb.reward.HasField("failure_reward"))
        spec = _algorithm_to_proto(pb.SamplerSpec, {
            "name": "ucb1", "tuned": True, "drift": {"kind": "sliding_window", "window": 50}},
            "sampler")
        self.assertEqual(spec.ucb1.drift.kind, pb.BanditDrift.SLIDING_WINDOW)
        self.assertEqual(spec.ucb1.drift.window, 50)
        with self.assertRaisesRegex(ValueError, "scale"):
            _algorithm_to_proto(pb.SamplerSpec, {"exp3": {"reward": {"scale": "LINEAR"}}},
                                "sampler")

    def test_default_client_id_is_host_pid_random(self):
        client = hyperd.Client("127.0.0.1:1")
        host, pid, suffix = client.client_id.rsplit(":", 2)
        self.assertTrue(host)
        self.assertEqual(int(pid), os.getpid())
        self.assertNotEqual(client.client_id, hyperd.Client("127.0.0.1:1").client_id)
        self.assertTrue(suffix)


if __name__ == "__main__":
    unittest.main()
