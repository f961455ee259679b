#!/usr/bin/python3
"""End-to-end browser tests of the study dashboard (issue 9): the real hyperd serves the page
and its JSON API on its HTTP port (--metrics-listen, /dashboard/); studies are made through the
Python client; Debian's headless Chromium, driven by playwright-core, opens every page and the
tests compare what the page says it drew (the web/ test hooks: data-chart counters,
body.dataset.ready/revision, table and list ids) with what the client knows.

Studies: an ASHA study (12 trials reporting up to 9 steps, those told to stop stop; one more
trial fails after its first report), a study with a cosine learning-rate schedule and a UCB1 bandit
study; a second hyperd with --auth-token-file for the token prompt. Screenshots of every page go
to $HYPERD_BROWSER_ARTIFACTS (CTest: build/tests/browser/artifacts/) and their paths are printed.

Run by CTest (test `browser_dashboard_test`, label e2e); by hand:

    PYTHONPATH=build/python HYPERD_BINARY=build/server/hyperd \\
    HYPERD_BROWSER_NODE_MODULES=build/tests/browser/node_modules \\
        /usr/bin/python3 tests/browser/browser_dashboard_test.py -v
"""

import hashlib
import math
import os
import secrets
import shutil
import sys
import tempfile
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "e2e"))

import hyperd  # noqa: E402
from browser_session import BrowserSession  # noqa: E402
from dashboard_pages import DashboardPages  # noqa: E402
from python_hyperd_server import HyperdServer  # noqa: E402

_ARTIFACTS = os.environ.get("HYPERD_BROWSER_ARTIFACTS") or os.path.join(
    tempfile.gettempdir(), "hyperd-browser-artifacts")
_BROWSER = None  # one Chromium for the module (setUpModule)

ASHA_STUDY = "asha-mlp"
SCHEDULE_STUDY = "cosine-schedule"
BANDIT_STUDY = "bandit-optimizer"
_OPTIMIZER_PENALTY = {"sgd": 0.3, "adam": 0.0, "rmsprop": 0.1}
_ARM_REWARD = {"sgd": 0.3, "adam": 0.8, "rmsprop": 0.5}


def setUpModule():
    global _BROWSER
    os.makedirs(_ARTIFACTS, exist_ok=True)
    _BROWSER = BrowserSession().start()


def tearDownModule():
    if _BROWSER is not None:
        _BROWSER.close()


def screenshot(name, full_page=True):
    """Saves the current page as <artifacts>/<name>.png and prints the path."""
    path = _BROWSER.screenshot(os.path.join(_ARTIFACTS, f"{name}.png"), full_page=full_page)
    print(f"\nscreenshot: {path}", flush=True)
    return path


def asha_loss(params, step):
    """A deterministic learning curve: falls with the steps towards a floor set by the
    configuration (best near lr = 10^-2.5, few layers, adam)."""
    floor = (0.1 * (math.log10(params["lr"]) + 2.5) ** 2 + 0.05 * params["layers"]
             + _OPTIMIZER_PENALTY[params["optimizer"]])
    return floor * (1.0 + 2.0 / step)


class Ledger:
    """What the client saw while running the ASHA study's trials."""

    def __init__(self):
        self.reports = {}          # trial number -> measurements reported
        self.told_to_stop = set()  # trials whose report() returned should_stop
        self.failed = set()        # trials failed on purpose

    def run_trial(self, study, max_step, fail_after=None):
        """Suggests a trial and trains it: reports steps 1..max_step until told to stop, then
        completes it; with fail_after, fails it after that many reports instead (told to stop
        or not)."""
        trial = study.suggest()
        self.reports[trial.number] = 0
        for step in range(1, max_step + 1):
            stop = trial.report(step, asha_loss(trial.params, step))
            self.reports[trial.number] += 1
            if stop:
                self.told_to_stop.add(trial.number)
            if step == fail_after:
                self.failed.add(trial.number)
                return trial.fail("diverged: loss became NaN")
            if stop:
                break
        return trial.complete()


class DashboardBrowserTest(unittest.TestCase):
    """One hyperd with the three studies for the class; a new page for each page visited."""

    @classmethod
    def setUpClass(cls):
        cls.server = HyperdServer(metrics=True).start()
        try:
            cls.client = hyperd.Client(cls.server.address, timeout=10.0, max_retries=2)
            cls.pages = DashboardPages(_BROWSER, f"http://127.0.0.1:{cls.server.metrics_port}")
            cls._make_studies()
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.client.close()
            cls.server.stop_cleanly()
        finally:
            cls.server.cleanup()

    @classmethod
    def _make_studies(cls):
        cls.asha = hyperd.Study.create(
            ASHA_STUDY, client=cls.client, seed=7, max_resource=9, resource_unit="epoch",
            parameters=[hyperd.Float("lr", 1e-4, 1.0, log=True), hyperd.Int("layers", 1, 4),
                        hyperd.Categorical("optimizer", ["sgd", "adam", "rmsprop"])],
            objective=("loss", "minimize"), sampler="random",
            scheduler={"successive_halving": {"min_resource": 1, "reduction_factor": 3}},
            description="ASHA over a small MLP (browser test)")
        cls.ledger = Ledger()
        for _ in range(12):
            cls.ledger.run_trial(cls.asha, max_step=9)
        cls.ledger.run_trial(cls.asha, max_step=9, fail_after=1)

        cls.schedule = hyperd.Study.create(
            SCHEDULE_STUDY, client=cls.client, seed=11,
            parameters=[hyperd.Float("lr", 1e-3, 1.0, log=True)],
            schedule={"schedule": {"family": "cosine", "base_lr": 0.1, "total_steps": 100},
                      "parameter_fields": {"lr": "base_lr"}})
        for _ in range(3):
            trial = cls.schedule.suggest()
            for step in range(1, 4):
                trial.report(step, 1.0 / (step * trial.params["lr"] + 1.0))
            trial.complete()

        cls.bandit = hyperd.Study.create(
            BANDIT_STUDY, client=cls.client, seed=5, sampler="ucb1",
            parameters=[hyperd.Categorical("optimizer", ["sgd", "adam", "rmsprop"])],
            objective=("reward", "maximize"))
        for _ in range(9):
            trial = cls.bandit.suggest()
            trial.complete(_ARM_REWARD[trial.params["optimizer"]])

    # -- what the client knows ----------------------------------------------------------------

    def asha_trials(self):
        return list(self.asha.trials(page_size=1000))

    @staticmethod
    def with_values(trials):
        """Finished trials that have an objective value: the history's and parallel's points."""
        return [t for t in trials if not t.is_open and t.objective_value is not None]

    def assert_no_uncaught_errors(self):
        self.assertEqual(self.pages.uncaught_errors(), [])

    # -- the tests ----------------------------------------------------------------------------

    def test_study_list_has_one_row_per_study_linking_to_its_page(self):
        status = self.pages.open_studies()
        self.assertEqual(status, 200)
        screenshot("studies")
        expected = sorted(s.study_id for s in hyperd.Study.list(client=self.client))
        self.assertEqual(expected, sorted([ASHA_STUDY, BANDIT_STUDY, SCHEDULE_STUDY]))
        ids = self.pages.attribute_values("table#studies tbody tr[data-study-id]", "data-study-id")
        self.assertEqual(sorted(ids), expected)
        self.assertEqual(self.pages.row_count("table#studies tbody tr"), len(expected))
        links = self.pages.attribute_values(
            f"table#studies tbody tr[data-study-id='{ASHA_STUDY}'] a[href]", "href")
        self.assertTrue(any(f"#/studies/{ASHA_STUDY}" in link for link in links), links)
        # Following the link routes to the study page in the same document.
        _BROWSER.click(f"table#studies tbody tr[data-study-id='{ASHA_STUDY}'] a[href]")
        self.pages.wait_ready("study")
        self.assertEqual(_BROWSER.evaluate("location.hash"), f"#/studies/{ASHA_STUDY}")
        self.assert_no_uncaught_errors()

    def test_study_page_draws_one_mark_per_trial_in_every_chart(self):
        self.pages.open_study(ASHA_STUDY)
        screenshot("study-asha")
        trials = self.asha_trials()
        valued = self.with_values(trials)
        measured = [t for t in trials if t.measurements]
        pruned = self.ledger.told_to_stop - self.ledger.failed
        self.assertGreaterEqual(len(pruned), 1, "ASHA stopped no trial")
        self.assertLess(len(pruned), len(valued), "ASHA stopped every trial")

        self.assertEqual(self.pages.chart_count("history", "points"), len(valued))
        self.assertEqual(self.pages.chart_count("history", "best-points"), len(valued))
        self.assertEqual(self.pages.chart_count("parallel", "lines"), len(valued))
        self.assertEqual(self.pages.chart_count("parallel", "axes"),
                         len(self.asha.spec.search_space.parameters) + 1)
        self.assertEqual(self.pages.chart_count("importance", "bars"),
                         len(self.asha.spec.search_space.parameters))
        self.assertIn("permutation importance", self.pages.text().lower())

        self.assertEqual(self.pages.chart_count("curves", "lines"), len(measured))
        self.assertEqual(self.pages.chart_count("curves", "stopped"),
                         len(self.ledger.told_to_stop))
        rung_steps = {rung.step for rung in self.asha.refresh().proto.rungs}
        self.assertEqual(rung_steps, {1, 3})  # min_resource * eta^k with a next rung <= 9
        self.assertEqual(self.pages.chart_count("curves", "rungs"), len(rung_steps))
        self.assertEqual(self.pages.chart_count("brackets", "brackets"),
                         len({t.bracket for t in trials}))

        numbers = self.pages.attribute_values("table#trials tbody tr[data-trial-number]",
                                              "data-trial-number")
        self.assertEqual(sorted(int(n) for n in numbers), sorted(t.number for t in trials))
        # No schedule and no bandit policy: those sections say nothing or stay hidden.
        for chart, counter in (("schedules", "lines"), ("arms", "arms")):
            self.assertTrue(not self.pages.chart_shown(chart)
                            or self.pages.chart_count(chart, counter) in (None, 0), chart)
        self.assert_no_uncaught_errors()

    def test_schedule_study_draws_the_given_schedule_and_each_trials(self):
        self.pages.open_study(SCHEDULE_STUDY)
        screenshot("study-schedule")
        trials = list(self.schedule.trials())
        self.assertTrue(all(t.schedule is not None for t in trials))
        self.assertEqual(self.pages.chart_count("schedules", "lines"), 1 + len(trials))
        self.assertEqual(self.pages.chart_count("history", "points"),
                         len(self.with_values(trials)))
        self.assert_no_uncaught_errors()

    def test_bandit_study_draws_every_arm(self):
        self.pages.open_study(BANDIT_STUDY)
        screenshot("study-bandit")
        arms = self.bandit.arms()
        self.assertEqual(len(arms), 3)
        self.assertEqual(sum(arm.pulls for arm in arms), 9)
        self.assertEqual(self.pages.chart_count("arms", "arms"), len(arms))
        self.assert_no_uncaught_errors()

    def test_bandit_trial_page_shows_its_final_measurement(self):
        # Bandit trials report nothing and complete with the reward: the table's one row is the
        # final measurement. (A trial completed without a value has its last report as final
        # measurement, which the table does not repeat: see the stopped trial's test.)
        self.pages.open_trial(BANDIT_STUDY, 0)
        self.assertEqual(self.pages.row_count("table#trial-measurements tbody tr"), 1)
        self.assertEqual(self.pages.row_count("table#trial-measurements tbody tr.final"), 1)
        self.assert_no_uncaught_errors()

    def test_stopped_trial_page_lists_every_report_and_its_history(self):
        number = min(self.ledger.told_to_stop - self.ledger.failed)
        trial = self.asha.get_trial(number)
        self.assertEqual(trial.state, "PRUNED")
        self.pages.open_trial(ASHA_STUDY, number)
        screenshot(f"trial-{ASHA_STUDY}-{number}")
        reports = self.ledger.reports[number]
        self.assertEqual(len(trial.measurements), reports)
        self.assertEqual(self.pages.row_count("table#trial-measurements tbody tr"), reports)
        self.assertEqual(self.pages.chart_count("trial-curve", "points"), reports)
        self.assertEqual(self.pages.row_count("table#trial-params tbody tr"), len(trial.params))
        self.assertGreaterEqual(self.pages.row_count("ul#trial-history li"), 2)
        history = self.pages.text("ul#trial-history").lower()
        self.assertIn("created", history)
        self.assertIn("pruned", history)
        self.assertIn("PRUNED", self.pages.text())
        self.assert_no_uncaught_errors()

    def test_study_page_redraws_when_a_trial_completes_while_it_is_open(self):
        self.pages.open_study(ASHA_STUDY)
        points = self.pages.chart_count("history", "points")
        revision = self.pages.revision()
        self.assertTrue(revision)
        self.assertEqual(points, len(self.with_values(self.asha_trials())))

        trial = self.ledger.run_trial(self.asha, max_step=9)
        self.assertIsNotNone(trial.objective_value)
        # The page polls every 2 s; wait (no sleep) until it drew the new point.
        _BROWSER.wait_for(
            "Number(document.querySelector('[data-chart=\"history\"]')"
            f".getAttribute('data-points')) > {points} && document.body.dataset.ready === '1'",
            timeout_s=20)
        screenshot("study-asha-after-live-update")
        self.assertEqual(self.pages.chart_count("history", "points"), points + 1)
        self.assertNotEqual(self.pages.revision(), revision)
        self.assertEqual(self.pages.chart_count("curves", "stopped"),
                         len(self.ledger.told_to_stop))
        self.assertEqual(self.pages.row_count(f"table#trials tbody tr[data-trial-number="
                                              f"'{trial.number}']"), 1)
        self.assert_no_uncaught_errors()


class DashboardAuthBrowserTest(unittest.TestCase):
    """A hyperd with --auth-token-file: the page asks for a token and lists what it may see."""

    TOKEN_INPUT = "form#auth-form input#auth-token"  # web/src/auth.js's test hooks

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="hyperd-browser-auth-")
        cls.admin_token = secrets.token_hex(24)
        cls.viewer_token = secrets.token_hex(24)
        cls.team_viewer_token = secrets.token_hex(24)
        token_file = os.path.join(cls.dir, "tokens.txt")
        with open(token_file, "w", encoding="utf-8") as f:
            for name, role, token, extra in (
                    ("browser-admin", "admin", cls.admin_token, ""),
                    ("browser-viewer", "viewer", cls.viewer_token, ""),
                    ("team-a-viewer", "viewer", cls.team_viewer_token, " studies=team-a-*")):
                digest = hashlib.sha256(token.encode()).hexdigest()
                f.write(f"{name} {role} sha256:{digest}{extra}\n")
        cls.server = HyperdServer(extra_args=[f"--auth-token-file={token_file}"], metrics=True)
        try:
            cls.server.start()
            with hyperd.Client(cls.server.address, token=cls.admin_token, timeout=10.0) as admin:
                for study_id in ("team-a-resnet", "team-b-bert"):
                    hyperd.Study.create(study_id, client=admin,
                                        parameters=[hyperd.Float("lr", 1e-4, 1.0, log=True)])
        except BaseException:
            cls.tearDownClass()
            raise
        cls.pages = DashboardPages(_BROWSER, f"http://127.0.0.1:{cls.server.metrics_port}")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop_cleanly()
        finally:
            cls.server.cleanup()
            shutil.rmtree(cls.dir, ignore_errors=True)

    def sign_in(self, token):
        """Opens the study list on a new page (empty sessionStorage), waits for the token
        prompt, enters the token and waits until the list is drawn."""
        _BROWSER.new_page()
        _BROWSER.goto(self.pages.url("/"))
        _BROWSER.wait_for_selector(self.TOKEN_INPUT)
        self.assertEqual(_BROWSER.evaluate("document.body.dataset.auth ?? null"), "required")
        self.assertNotEqual(_BROWSER.evaluate("document.body.dataset.ready ?? null"), "1")
        screenshot("auth-token-prompt", full_page=False)
        _BROWSER.fill(self.TOKEN_INPUT, token)
        _BROWSER.press(self.TOKEN_INPUT, "Enter")
        self.pages.wait_ready("studies")

    def test_viewer_token_entered_in_the_prompt_lists_every_study_and_survives_a_reload(self):
        self.sign_in(self.viewer_token)
        screenshot("auth-studies-viewer")
        ids = self.pages.attribute_values("table#studies tbody tr[data-study-id]", "data-study-id")
        self.assertEqual(sorted(ids), ["team-a-resnet", "team-b-bert"])
        # The token is kept in sessionStorage: a reload of the tab asks no more.
        _BROWSER.reload()
        self.pages.wait_ready("studies")
        self.assertEqual(self.pages.row_count("table#studies tbody tr"), 2)
        self.assertEqual(self.pages.visible_count(self.TOKEN_INPUT), 0)
        self.assertEqual(self.pages.uncaught_errors(), [])

    def test_token_restricted_to_some_studies_lists_only_those(self):
        self.sign_in(self.team_viewer_token)
        screenshot("auth-studies-restricted-viewer")
        ids = self.pages.attribute_values("table#studies tbody tr[data-study-id]", "data-study-id")
        self.assertEqual(ids, ["team-a-resnet"])
        self.assertEqual(self.pages.uncaught_errors(), [])


if __name__ == "__main__":
    unittest.main()
