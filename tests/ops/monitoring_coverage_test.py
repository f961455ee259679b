#!/usr/bin/python3
"""Every metric the Grafana dashboard and the Prometheus alerts use is really exported by hyperd,
and hyperd's /metrics passes `promtool check metrics`.

Starts the real hyperd with metrics on a free port (tests/e2e/python_hyperd_server.py), drives a
little traffic through the Python client (a study, suggestions, reports, completions and a
NotFound), scrapes /metrics, and checks every metric name in deploy/grafana/hyperd-dashboard.json
and deploy/prometheus/hyperd_alerts.yml against the scrape. Histogram series (_bucket, _sum,
_count) count as present when the histogram is exported, i.e. when <name>_bucket is in the
scrape. The only name allowed to be missing is `up`, which Prometheus itself records.

Run by CTest (test ops_monitoring_coverage, label e2e); by hand:

    PYTHONPATH=build/python HYPERD_BINARY=build/server/hyperd \\
        /usr/bin/python3 tests/ops/monitoring_coverage_test.py -v
"""

import os
import re
import subprocess
import sys
import unittest
import urllib.request

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_ROOT, "tests", "e2e"))

import hyperd  # noqa: E402
from prometheus_server import promtool_path  # noqa: E402
from promql_names import (alert_expressions, dashboard_queries, histogram_base,  # noqa: E402
                          metric_names)
from python_hyperd_server import HyperdServer  # noqa: E402

_DASHBOARD = os.path.join(_ROOT, "deploy/grafana/hyperd-dashboard.json")
_ALERTS = os.path.join(_ROOT, "deploy/prometheus/hyperd_alerts.yml")

# Names that come from Prometheus, not hyperd: `up` is its per-target scrape health (HyperdDown,
# the "Up" panel).
EXTERNAL_METRICS = frozenset({"up"})


def parse_exposition(text):
    """(sample names, {family: type}) of a Prometheus text-format scrape."""
    samples, types = set(), {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split(None, 3)
            types[family] = kind.strip()
        elif line and not line.startswith("#"):
            match = re.match(r"[A-Za-z_:][A-Za-z0-9_:]*", line)
            if match:
                samples.add(match.group(0))
    return samples, types


def used_names():
    """{metric name: [where it is used]} over the dashboard and the alerts."""
    used = {}
    for where, expr in dashboard_queries(_DASHBOARD):
        for name in metric_names(expr):
            used.setdefault(name, []).append(f"dashboard {where}")
    for alert, expr in alert_expressions(_ALERTS):
        for name in metric_names(expr):
            used.setdefault(name, []).append(f"alert {alert}")
    return used


class MonitoringCoverage(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.promtool = promtool_path()  # required: fails here, with how to install it
        cls.server = HyperdServer(metrics=True).start()
        try:
            cls.drive_traffic()
            with urllib.request.urlopen(cls.server.metrics_url, timeout=10) as response:
                cls.scrape = response.read().decode("utf-8")
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop_cleanly()  # hyperd must exit 0 on SIGTERM
        finally:
            cls.server.cleanup()

    @classmethod
    def drive_traffic(cls):
        with hyperd.Client(cls.server.address) as client:
            study = hyperd.Study.create(
                "ops-coverage", parameters=[hyperd.Float("lr", 1e-4, 1e-1, log=True),
                                            hyperd.Int("layers", 1, 4)],
                sampler="random", max_trials=20, seed=3, client=client)
            for step_value in (0.9, 0.5, 0.7):
                trial = study.suggest()
                trial.report(1, step_value)
                trial.complete(step_value / 2)
            try:
                hyperd.Study.get("no-such-study", client=client)
            except hyperd.NotFoundError:
                pass
            else:
                raise AssertionError("GetStudy of a missing study did not fail with NotFound")

    def test_the_scrape_has_the_traffic_we_drove(self):
        samples, types = parse_exposition(self.scrape)
        self.assertEqual(types.get("hyperd_suggest_seconds"), "histogram")
        self.assertIn("hyperd_suggest_seconds_bucket", samples)
        self.assertRegex(self.scrape,
                         r'hyperd_suggest_seconds_count\{[^}]*sampler="random"[^}]*\} 3\n')
        self.assertRegex(
            self.scrape,
            r'grpc_server_handled_total\{[^}]*grpc_code="NotFound"[^}]*grpc_method="GetStudy"'
            r'[^}]*\} 1\n')

    def test_promtool_check_metrics_finds_no_problem_in_the_scrape(self):
        result = subprocess.run([self.promtool, "check", "metrics"], input=self.scrape.encode(),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        output = result.stdout.decode(errors="replace")
        self.assertEqual((result.returncode, output), (0, ""),
                         f"promtool check metrics on hyperd's /metrics reported:\n{output}")

    def test_every_metric_of_the_dashboard_and_alerts_is_exported(self):
        samples, types = parse_exposition(self.scrape)
        used = used_names()
        self.assertIn("hyperd_suggest_seconds_bucket", used)  # the extraction found something
        missing = []
        for name, places in sorted(used.items()):
            if name in EXTERNAL_METRICS:
                continue
            base = histogram_base(name)
            if base is not None and types.get(base) == "histogram":
                present = f"{base}_bucket" in samples
            else:
                present = name in samples
            if not present:
                missing.append(f"{name} (used by {', '.join(places)})")
        self.assertEqual(missing, [], "metrics used but not exported by hyperd:\n" +
                         "\n".join(missing))

    def test_only_prometheus_own_up_is_used_without_being_exported(self):
        samples, _ = parse_exposition(self.scrape)
        self.assertEqual(sorted(name for name in used_names() if name in EXTERNAL_METRICS),
                         ["up"])
        self.assertNotIn("up", samples, "hyperd exports `up`: drop it from EXTERNAL_METRICS")


if __name__ == "__main__":
    unittest.main()
