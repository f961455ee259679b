"""Metric names referenced by PromQL expressions, and the queries of our monitoring files.

Not a PromQL parser: enough of one to list the series names an expression selects, so a test can
check that hyperd really exports every metric its dashboard and alerts use. Standard library only.

    metric_names('sum by (m) (rate(foo_total{a="b"}[5m])) / bar')  ->  {"foo_total", "bar"}
"""

import json
import re

# PromQL functions and aggregation operators (Prometheus 2.x), and Grafana's query-variable
# helpers. An identifier followed by "(" is a call anyway; the list also catches "sum by (x) (...)"
# and "sum without (x) (...)", where the name is not directly followed by "(".
FUNCTIONS = frozenset("""
    abs absent absent_over_time acos acosh asin asinh atan atanh avg_over_time ceil changes clamp
    clamp_max clamp_min cos cosh count_over_time day_of_month day_of_week day_of_year days_in_month
    deg delta deriv exp floor histogram_count histogram_fraction histogram_quantile histogram_sum
    holt_winters hour idelta increase irate label_join label_replace last_over_time ln log10 log2
    mad_over_time max_over_time min_over_time minute month pi predict_linear present_over_time
    quantile_over_time rad rate resets round scalar sgn sin sinh sort sort_desc sqrt
    stddev_over_time stdvar_over_time sum_over_time tan tanh time timestamp vector year
    sum min max avg group stddev stdvar count count_values bottomk topk quantile
    label_values label_names metrics query_result
""".split())
# Keywords and modifiers; after the label lists are removed, none of these names a series.
KEYWORDS = frozenset("""
    and or unless by without on ignoring group_left group_right bool offset atan2 inf nan
""".split())
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")

_IDENT = r"[A-Za-z_:][A-Za-z0-9_:]*"


def _strip(expr):
    """The expression with strings, label matchers, ranges, grouping lists, variables, durations
    and numbers removed; "{" and "[" are kept as markers."""
    expr = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)
    expr = re.sub(r"'(?:\\.|[^'\\])*'", "''", expr)
    expr = re.sub(r"`[^`]*`", "``", expr)
    expr = re.sub(r"\{[^{}]*\}", "{}", expr)          # label matchers (no nesting once strings go)
    expr = re.sub(r"\[[^\[\]]*\]", "[]", expr)        # ranges and subqueries' [5m:1m]
    expr = re.sub(r"\$\{[^}]*\}|\$" + _IDENT, " ", expr)  # Grafana variables outside of strings
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", r" ", expr)
    expr = re.sub(r"\boffset\s+-?[0-9][0-9a-z]*", " ", expr)
    expr = re.sub(r"(?<![A-Za-z0-9_:])[0-9][0-9.]*(?:[eE][+-]?[0-9]+)?[a-z]*", " ", expr)
    return expr


def metric_names(expr):
    """The set of metric names selected by a PromQL expression (or a Grafana query-variable
    expression such as label_values(metric{...}, label))."""
    label_values = re.fullmatch(r"\s*label_values\s*\((.*),\s*" + _IDENT + r"\s*\)\s*", expr,
                                re.S)
    if label_values:
        expr = label_values.group(1)
    names = set()
    stripped = _strip(expr)
    for match in re.finditer(_IDENT, stripped):
        name = match.group(0)
        rest = stripped[match.end():].lstrip()
        if rest.startswith("("):
            continue  # a function call
        if name in FUNCTIONS or name in KEYWORDS:
            continue
        names.add(name)
    # A name inside a matcher, {__name__="x"}, is a selection too.
    for match in re.finditer(r'__name__\s*=\s*"(' + _IDENT + r')"', expr):
        names.add(match.group(1))
    return names


def dashboard_queries(path):
    """(where, expr) for every Prometheus query in a Grafana dashboard JSON file: panel targets
    (also inside rows) and query template variables."""
    with open(path, encoding="utf-8") as f:
        dashboard = json.load(f)
    queries = []

    def visit_panels(panels):
        for panel in panels:
            for target in panel.get("targets", []):
                if target.get("expr"):
                    queries.append((f"panel {panel.get('title')!r} {target.get('refId')}",
                                    target["expr"]))
            visit_panels(panel.get("panels", []))

    visit_panels(dashboard.get("panels", []))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if query:
            queries.append((f"variable ${variable.get('name')}", query))
    return queries


def alert_expressions(path):
    """(alert name, expr) for every rule of a Prometheus rules file in the layout of
    deploy/prometheus/hyperd_alerts.yml: `- alert: Name` followed by `expr: one line` or a
    `expr: |` block. Raises ValueError if a rule has no expression."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    rules = []
    current = None
    i = 0
    while i < len(lines):
        line = lines[i]
        alert = re.match(r"\s*-\s*(alert|record):\s*(\S+)", line)
        if alert:
            if current is not None and current[1] is None:
                raise ValueError(f"{path}: rule {current[0]} has no expr")
            current = [alert.group(2), None]
            rules.append(current)
        expr = re.match(r"(\s*)expr:\s*(.*)$", line)
        if expr and current is not None:
            value = expr.group(2).strip()
            if value in ("|", "|-", ">", ">-"):
                indent = len(expr.group(1))
                block = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or
                                          len(lines[i]) - len(lines[i].lstrip()) > indent):
                    block.append(lines[i])
                    i += 1
                current[1] = "\n".join(block).strip()
                continue
            current[1] = value.strip("'\"") if value[:1] in "'\"" else value
        i += 1
    if current is not None and current[1] is None:
        raise ValueError(f"{path}: rule {current[0]} has no expr")
    return [tuple(rule) for rule in rules]


def histogram_base(name):
    """name without a histogram series suffix (_bucket, _sum, _count), or None."""
    for suffix in HISTOGRAM_SUFFIXES:
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return None
