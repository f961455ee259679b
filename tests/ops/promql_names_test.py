#!/usr/bin/python3
"""Unit tests of promql_names: the metric names the monitoring coverage test checks.

Run by CTest (test ops_promql_names, label unit); by hand:
    /usr/bin/python3 tests/ops/promql_names_test.py -v
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from promql_names import (alert_expressions, dashboard_queries, histogram_base,  # noqa: E402
                          metric_names)

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _load_dashboard():
    with open(os.path.join(_ROOT, "deploy/grafana/hyperd-dashboard.json"), encoding="utf-8") as f:
        return json.load(f)


class MetricNames(unittest.TestCase):

    def test_finds_a_bare_selector(self):
        self.assertEqual(metric_names("up"), {"up"})

    def test_ignores_label_names_and_values_inside_matchers(self):
        self.assertEqual(metric_names('foo_total{job="rate", grpc_code!~"OK|sum"}'), {"foo_total"})

    def test_strips_functions_ranges_and_grouping_clauses(self):
        expr = ('histogram_quantile(0.99, sum by (sampler, le) '
                '(rate(hyperd_suggest_seconds_bucket{job="$job"}[$__rate_interval]))) > 1')
        self.assertEqual(metric_names(expr), {"hyperd_suggest_seconds_bucket"})

    def test_handles_without_on_ignoring_group_left_and_offset(self):
        expr = ('sum without (instance) (a_total offset 5m) / on (job) group_left (x) b '
                'and ignoring (le) c[5m:1m] unless bool d')
        self.assertEqual(metric_names(expr), {"a_total", "b", "c", "d"})

    def test_numbers_durations_and_scientific_literals_are_not_names(self):
        self.assertEqual(metric_names("rate(x[15m]) * 3600 > 1e3 + 0.5 + 24 * 3600"), {"x"})

    def test_sees_names_given_by_the_name_matcher(self):
        self.assertEqual(metric_names('{__name__="hidden_metric", job="a"}'), {"hidden_metric"})

    def test_reads_the_metric_of_a_grafana_label_values_query(self):
        self.assertEqual(metric_names('label_values(hyperd_healthy{job="$job"}, instance)'),
                         {"hyperd_healthy"})

    def test_grafana_variables_are_not_names(self):
        self.assertEqual(metric_names("m / $scale + ${other}"), {"m"})

    def test_histogram_suffixes_resolve_to_the_base_name(self):
        self.assertEqual(histogram_base("a_seconds_bucket"), "a_seconds")
        self.assertEqual(histogram_base("a_seconds_count"), "a_seconds")
        self.assertIsNone(histogram_base("a_total"))


class MonitoringFiles(unittest.TestCase):

    def test_every_alert_rule_has_an_expression_with_a_metric(self):
        rules = alert_expressions(os.path.join(_ROOT, "deploy/prometheus/hyperd_alerts.yml"))
        self.assertEqual(len(rules), 7)
        for name, expr in rules:
            with self.subTest(alert=name):
                self.assertTrue(metric_names(expr), f"{name}: {expr!r}")

    def test_every_dashboard_query_names_a_metric(self):
        queries = dashboard_queries(os.path.join(_ROOT, "deploy/grafana/hyperd-dashboard.json"))
        self.assertGreaterEqual(len(queries), 20)
        for where, expr in queries:
            with self.subTest(query=where):
                self.assertTrue(metric_names(expr), f"{where}: {expr!r}")

    def test_the_dashboard_selects_its_data_source_by_variable(self):
        dashboard = _load_dashboard()
        variables = {v["name"]: v for v in dashboard["templating"]["list"]}
        self.assertEqual(variables["DS_PROMETHEUS"]["type"], "datasource")
        self.assertEqual(variables["DS_PROMETHEUS"]["query"], "prometheus")
        self.assertEqual(dashboard["__inputs"], [], "a data source input would make the import "
                         "ask for a fixed data source instead of the ${DS_PROMETHEUS} variable")
        self.assertGreaterEqual(dashboard["schemaVersion"], 36)
        for panel in dashboard["panels"]:
            if panel["type"] != "row":
                self.assertEqual(panel["datasource"], {"type": "prometheus",
                                                       "uid": "${DS_PROMETHEUS}"}, panel["title"])
                for target in panel["targets"]:
                    self.assertEqual(target["datasource"]["uid"], "${DS_PROMETHEUS}",
                                     panel["title"])

    def test_dashboard_panels_have_unique_ids_and_do_not_overlap(self):
        panels = _load_dashboard()["panels"]
        ids = [p["id"] for p in panels]
        self.assertEqual(len(ids), len(set(ids)), "panel ids must be unique")
        cells = {}
        for panel in panels:
            pos = panel["gridPos"]
            self.assertLessEqual(pos["x"] + pos["w"], 24, panel["title"])
            for x in range(pos["x"], pos["x"] + pos["w"]):
                for y in range(pos["y"], pos["y"] + pos["h"]):
                    self.assertNotIn((x, y), cells,
                                     f"{panel['title']!r} overlaps {cells.get((x, y))!r}")
                    cells[(x, y)] = panel["title"]

    def test_the_dashboard_covers_every_area_the_issue_asks_for(self):
        used = set()
        for _, expr in dashboard_queries(os.path.join(_ROOT,
                                                      "deploy/grafana/hyperd-dashboard.json")):
            used |= metric_names(expr)
        for name in ("grpc_server_handled_total", "grpc_server_handling_seconds_bucket",
                     "hyperd_suggest_seconds_bucket", "hyperd_trials",
                     "hyperd_scheduler_decisions_total", "hyperd_storage_commit_seconds_bucket",
                     "hyperd_storage_batch_size_bucket", "hyperd_storage_database_bytes",
                     "hyperd_storage_wal_bytes", "hyperd_storage_filesystem_avail_bytes",
                     "hyperd_storage_filesystem_size_bytes", "process_cpu_seconds_total",
                     "process_resident_memory_bytes", "process_open_fds", "process_max_fds"):
            with self.subTest(metric=name):
                self.assertIn(name, used)

    def test_every_alert_the_issue_asks_for_exists(self):
        names = {name for name, _ in alert_expressions(
            os.path.join(_ROOT, "deploy/prometheus/hyperd_alerts.yml"))}
        self.assertEqual(names, {"HyperdDown", "HyperdNotServing", "HyperdHighErrorRatio",
                                 "HyperdSlowSuggestions", "HyperdManyLeasesReclaimed",
                                 "HyperdSlowStorageCommits", "HyperdDiskAlmostFull"})

if __name__ == "__main__":
    unittest.main()
