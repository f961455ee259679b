#!/usr/bin/python3
"""A real Prometheus scrapes a real hyperd: what it stores matches the traffic we drove.

Starts hyperd (metrics on a free port, lease reaper every 100 ms) and Debian's Prometheus
(scrape and rule evaluation every 1 s, deploy/prometheus/hyperd_alerts.yml loaded), drives known
traffic through the raw gRPC stub (no client retries or heartbeats, so every RPC is counted):
studies created, trials suggested, reported and completed, lookups of missing studies
(NotFound), and one trial whose 1 s lease expires and is reclaimed by the reaper. It then waits
until Prometheus holds a scrape taken after all of that (the sample timestamp of `up`, polled
with a deadline) and checks the stored series against the known counts, the alert rules' health,
and that every dashboard and alert expression is valid PromQL on the real data.

Run by CTest (test ops_prometheus_scrape, label e2e); by hand:

    PYTHONPATH=build/python HYPERD_BINARY=build/server/hyperd \\
        /usr/bin/python3 tests/ops/prometheus_scrape_test.py -v
"""

import collections
import os
import re
import sys
import time
import unittest
import urllib.request

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_ROOT, "tests", "e2e"))

import grpc  # noqa: E402
from hyperd.space import Float, Int, search_space_to_proto  # noqa: E402
from hyperd.v1 import hyperd_pb2 as pb  # noqa: E402
from hyperd.v1 import hyperd_pb2_grpc as pb_grpc  # noqa: E402
from prometheus_server import PrometheusServer  # noqa: E402
from promql_names import alert_expressions, dashboard_queries  # noqa: E402
from python_hyperd_server import HyperdServer  # noqa: E402

_ALERTS = os.path.join(_ROOT, "deploy/prometheus/hyperd_alerts.yml")
_DASHBOARD = os.path.join(_ROOT, "deploy/grafana/hyperd-dashboard.json")
_RECLAIM_DEADLINE_S = 20.0
_SCRAPE_DEADLINE_S = 20.0
_RULES_DEADLINE_S = 20.0
_COMPLETED_TRIALS = 4
_MISSING_STUDY_LOOKUPS = 3


def grpc_code_label(code):
    """The grpc_code label value of a status: the grpc-go name (NOT_FOUND -> NotFound)."""
    special = {grpc.StatusCode.OK: "OK", grpc.StatusCode.CANCELLED: "Canceled"}
    return special.get(code) or "".join(w.capitalize() for w in code.name.split("_"))


def grafana_to_promql(expr):
    """A dashboard query with its Grafana variables set to this test's values."""
    promql = (expr.replace("$__rate_interval", "1m").replace('"$job"', '"hyperd"')
              .replace('"$instance"', '".*"'))
    if "$" in promql:
        raise AssertionError(f"unknown Grafana variable in {expr!r}")
    return promql


class RealScrape(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.hyperd = HyperdServer(metrics=True).start()
        cls.prometheus = None
        try:
            cls.prometheus = PrometheusServer(
                scrape_targets={"hyperd": f"127.0.0.1:{cls.hyperd.metrics_port}"},
                rule_files=[_ALERTS]).start()
            cls.sent = collections.Counter()  # (method, grpc code name) -> RPCs
            # A scrape before the traffic too, so rate() in the dashboard's queries sees it.
            cls.wait_for_scrape_after(0)
            cls.drive_traffic()
            cls.wait_for_reclaim(1)
            cls.wait_for_scrape_after(time.time())
        except BaseException:
            cls.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.hyperd.stop_cleanly()  # hyperd must exit 0 on SIGTERM
        finally:
            cls.cleanup()

    @classmethod
    def cleanup(cls):
        if cls.prometheus is not None:
            cls.prometheus.cleanup()
        cls.hyperd.cleanup()

    @classmethod
    def call(cls, stub, method, request):
        """Calls `method` once and counts it under the code it ended with."""
        try:
            response = getattr(stub, method)(request, timeout=10)
            code = grpc.StatusCode.OK
        except grpc.RpcError as e:
            response, code = None, e.code()
        cls.sent[(method, grpc_code_label(code))] += 1
        return response, code

    @classmethod
    def create_study(cls, stub, study_id, **limits):
        study = pb.Study(spec=pb.StudySpec(
            search_space=search_space_to_proto([Float("lr", 1e-4, 1e-1, log=True),
                                                Int("layers", 1, 4)]),
            objective=pb.Objective(metric="loss", goal=pb.Objective.MINIMIZE),
            sampler=pb.SamplerSpec(random=pb.RandomSampler()), seed=11))
        if "lease_seconds" in limits:
            study.limits.lease_duration.seconds = limits["lease_seconds"]
        response, code = cls.call(stub, "CreateStudy",
                                  pb.CreateStudyRequest(study_id=study_id, study=study))
        if code != grpc.StatusCode.OK:
            raise AssertionError(f"CreateStudy {study_id} failed with {code}")
        return response.name

    @classmethod
    def suggest_one(cls, stub, study, client_id):
        response, code = cls.call(stub, "SuggestTrials", pb.SuggestTrialsRequest(
            parent=study, count=1, client_id=client_id))
        if code != grpc.StatusCode.OK or len(response.trials) != 1:
            raise AssertionError(f"SuggestTrials on {study} gave {code} {response}")
        return response.trials[0].name

    @classmethod
    def drive_traffic(cls):
        with grpc.insecure_channel(cls.hyperd.address) as channel:
            stub = pb_grpc.HyperdStub(channel)
            study = cls.create_study(stub, "ops-scrape")
            for i in range(_COMPLETED_TRIALS):
                trial = cls.suggest_one(stub, study, f"worker-{i}")
                loss = 1.0 / (i + 1)
                _, code = cls.call(stub, "ReportMeasurement", pb.ReportMeasurementRequest(
                    name=trial, client_id=f"worker-{i}",
                    measurement=pb.Measurement(step=1, metrics={"loss": loss})))
                assert code == grpc.StatusCode.OK, code
                _, code = cls.call(stub, "CompleteTrial", pb.CompleteTrialRequest(
                    name=trial, final_measurement=pb.Measurement(step=2,
                                                                 metrics={"loss": loss / 2})))
                assert code == grpc.StatusCode.OK, code
            for i in range(_MISSING_STUDY_LOOKUPS):
                _, code = cls.call(stub, "GetStudy", pb.GetStudyRequest(name=f"studies/gone-{i}"))
                assert code == grpc.StatusCode.NOT_FOUND, code
            # A worker that takes a trial and dies: no report, no heartbeat, so the 1 s lease
            # expires and the reaper (every 100 ms) fails the trial.
            leased = cls.create_study(stub, "ops-lease", lease_seconds=1)
            cls.suggest_one(stub, leased, "crashed-worker")

    @classmethod
    def wait_for_reclaim(cls, count):
        """Polls hyperd's own /metrics (not an RPC, which would change the counts we check)."""
        deadline = time.monotonic() + _RECLAIM_DEADLINE_S
        pattern = re.compile(rf"^hyperd_trials_reclaimed_total {count}(\.0+)?$", re.M)
        while True:
            with urllib.request.urlopen(cls.hyperd.metrics_url, timeout=10) as response:
                if pattern.search(response.read().decode("utf-8")):
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"the reaper reclaimed no lease within "
                                     f"{_RECLAIM_DEADLINE_S}s:\n{cls.hyperd.log_text()}")
            time.sleep(0.1)  # polling the counter, bounded by the deadline

    @classmethod
    def wait_for_scrape_after(cls, unix_time):
        """Waits until Prometheus stores a scrape of hyperd that started after `unix_time`, so it
        holds every effect of the traffic."""
        deadline = time.monotonic() + _SCRAPE_DEADLINE_S
        while True:
            result = cls.prometheus.query('timestamp(up{job="hyperd"})')
            if result and float(result[0]["value"][1]) > unix_time:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"Prometheus stored no scrape of hyperd after the traffic "
                                     f"within {_SCRAPE_DEADLINE_S}s (last: {result}):\n"
                                     f"{cls.prometheus.log_text()}")
            time.sleep(0.2)  # polling Prometheus, bounded by the deadline

    def values(self, expr, *labels):
        """{label values tuple (or the one label's value): int value} of an instant query."""
        out = {}
        for sample in self.prometheus.query(expr):
            key = tuple(sample["metric"].get(label, "") for label in labels)
            value = float(sample["value"][1])
            self.assertEqual(value, int(value), f"{expr}: {sample}")
            out[key[0] if len(labels) == 1 else key] = int(value)
        return out

    def test_the_hyperd_target_is_up(self):
        self.assertEqual(self.values('up{job="hyperd"}', "job"), {"hyperd": 1})
        targets = self.prometheus.api("targets")["activeTargets"]
        self.assertEqual([(t["labels"]["job"], t["health"]) for t in targets], [("hyperd", "up")])

    def test_handled_total_counts_every_rpc_by_method_and_code(self):
        handled = self.values('grpc_server_handled_total{job="hyperd"} > 0',
                              "grpc_method", "grpc_code")
        self.assertEqual(handled, dict(self.sent))
        self.assertEqual(self.sent[("GetStudy", "NotFound")], _MISSING_STUDY_LOOKUPS)
        self.assertEqual(self.sent[("SuggestTrials", "OK")], _COMPLETED_TRIALS + 1)

    def test_every_method_and_code_is_exported_from_the_start(self):
        # Pre-created at zero, so rate() and the error-ratio alert see a code's first error.
        series = self.prometheus.query(
            'count(grpc_server_handled_total{job="hyperd", grpc_method="GetServerInfo"})')
        self.assertEqual(int(series[0]["value"][1]), 17)

    def test_started_total_equals_handled_total_per_method(self):
        started = self.values('grpc_server_started_total{job="hyperd"} > 0', "grpc_method")
        per_method = collections.Counter()
        for (method, _), n in self.sent.items():
            per_method[method] += n
        self.assertEqual(started, dict(per_method))

    def test_reclaimed_total_counts_the_expired_lease(self):
        self.assertEqual(self.values('hyperd_trials_reclaimed_total{job="hyperd"}', "job"),
                         {"hyperd": 1})

    def test_trials_by_state_match_what_happened_to_them(self):
        states = self.values('hyperd_trials{job="hyperd"}', "state")
        self.assertEqual({state: n for state, n in states.items() if n},
                         {"succeeded": _COMPLETED_TRIALS, "failed": 1})
        self.assertEqual(states["active"], 0)
        self.assertEqual(self.values('hyperd_trials_created_total{job="hyperd"}', "job"),
                         {"hyperd": _COMPLETED_TRIALS + 1})

    def test_studies_measurements_and_suggestions_are_counted(self):
        self.assertEqual(self.values('hyperd_studies{job="hyperd"} > 0', "state"), {"active": 2})
        self.assertEqual(self.values('hyperd_measurements_total{job="hyperd"}', "result"),
                         {"stored": _COMPLETED_TRIALS, "duplicate": 0})
        self.assertEqual(
            self.values('hyperd_suggest_seconds_count{job="hyperd"}', "sampler"),
            {"random": _COMPLETED_TRIALS + 1})
        self.assertEqual(self.values('hyperd_healthy{job="hyperd"}', "job"), {"hyperd": 1})

    def test_storage_and_process_gauges_are_plausible(self):
        for expr in ('hyperd_storage_database_bytes{job="hyperd"} > 0',
                     'hyperd_storage_filesystem_size_bytes{job="hyperd"} > 0',
                     'hyperd_storage_filesystem_avail_bytes{job="hyperd"} '
                     '<= hyperd_storage_filesystem_size_bytes{job="hyperd"}',
                     'hyperd_storage_commit_seconds_count{job="hyperd"} > 0',
                     'process_open_fds{job="hyperd"} < process_max_fds{job="hyperd"}',
                     'process_resident_memory_bytes{job="hyperd"} > 0',
                     'time() - process_start_time_seconds{job="hyperd"} > 0'):
            with self.subTest(expr=expr):
                self.assertEqual(len(self.prometheus.query(expr)), 1)

    def test_the_alert_rules_are_loaded_and_evaluate_without_error(self):
        expected = {name for name, _ in alert_expressions(_ALERTS)}
        deadline = time.monotonic() + _RULES_DEADLINE_S
        while True:
            rules = [rule for group in self.prometheus.api("rules")["groups"]
                     for rule in group["rules"]]
            if rules and all(rule["health"] != "unknown" for rule in rules):
                break  # every rule has been evaluated at least once
            if time.monotonic() > deadline:
                self.fail(f"rules not all evaluated within {_RULES_DEADLINE_S}s: {rules}")
            time.sleep(0.2)  # polling Prometheus, bounded by the deadline
        self.assertEqual({rule["name"] for rule in rules}, expected)
        for rule in rules:
            with self.subTest(alert=rule["name"]):
                self.assertEqual((rule["type"], rule["health"], rule.get("lastError", "")),
                                 ("alerting", "ok", ""))

    def test_a_healthy_server_raises_no_down_or_not_serving_alert(self):
        alerts = {a["labels"]["alertname"] for a in self.prometheus.api("alerts")["alerts"]}
        # Not HyperdDiskAlmostFull: that depends on the test machine's disk.
        self.assertFalse(alerts & {"HyperdDown", "HyperdNotServing"}, alerts)

    def test_every_dashboard_query_returns_data(self):
        # Catches misspelt labels and selectors that PromQL accepts but that match nothing.
        for where, expr in dashboard_queries(_DASHBOARD):
            if expr.lstrip().startswith("label_values("):
                continue  # a Grafana variable query, not PromQL (its metric: coverage test)
            with self.subTest(query=where):
                self.assertTrue(self.prometheus.query(grafana_to_promql(expr)),
                                f"{where}: no series for {expr!r}")

    def test_every_alert_expression_is_valid_promql_on_the_real_data(self):
        # These must not hold for this healthy server; in particular the 3 NotFound lookups
        # are client errors and must not count towards the error ratio. (The disk, commit and
        # reclaim alerts depend on the machine and timing, so only their validity is checked.)
        must_not_hold = {"HyperdDown", "HyperdNotServing", "HyperdHighErrorRatio",
                         "HyperdSlowSuggestions"}
        for alert, expr in alert_expressions(_ALERTS):
            with self.subTest(alert=alert):
                result = self.prometheus.query(expr)  # raises on a PromQL error
                if alert in must_not_hold:
                    self.assertEqual(result, [], f"{alert} holds on a healthy server")

if __name__ == "__main__":
    unittest.main()
