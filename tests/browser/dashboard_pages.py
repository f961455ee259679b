"""The dashboard's test hooks (web/: body.dataset.page/ready/revision, data-chart counters, the
table and list ids) as Python calls on a BrowserSession, for the browser tests and the dashboard
benchmark.

    pages = DashboardPages(browser, "http://127.0.0.1:9464")
    pages.open_study("asha-mlp")                 # new page, navigates, waits until drawn
    pages.chart_count("history", "points")       # int(data-points of [data-chart="history"])
    pages.row_count("table#trials tbody tr")
"""

import json

# What body.dataset.page says once each route has rendered.
STUDIES, STUDY, TRIAL = "studies", "study", "trial"


def _js(value):
    """A Python value as a JavaScript literal."""
    return json.dumps(value)


def ready_expression(page_kind):
    """True once a page of that kind has drawn everything (body.dataset.ready == "1")."""
    return (f"document.body.dataset.page === {_js(page_kind)} && "
            "document.body.dataset.ready === '1'")


class DashboardPages:
    """Opens dashboard routes and reads what they drew. `origin` is "http://host:port" of
    hyperd's HTTP port (--metrics-listen)."""

    def __init__(self, browser, origin):
        self.browser = browser
        self.origin = origin.rstrip("/")

    # -- routes ---------------------------------------------------------------------------------

    def url(self, route="/"):
        """The page URL of a hash route ("/", "/studies/<id>", "/studies/<id>/trials/<n>")."""
        return f"{self.origin}/dashboard/#{route}"

    def open_studies(self, timeout_s=15.0):
        return self._open("/", STUDIES, timeout_s)

    def open_study(self, study_id, timeout_s=15.0):
        return self._open(f"/studies/{study_id}", STUDY, timeout_s)

    def open_trial(self, study_id, number, timeout_s=15.0):
        return self._open(f"/studies/{study_id}/trials/{int(number)}", TRIAL, timeout_s)

    def _open(self, route, page_kind, timeout_s):
        """A new page at the route, waited on until ready; returns the HTTP status of the
        document."""
        self.browser.new_page()
        status = self.browser.goto(self.url(route), timeout_s=timeout_s)
        self.wait_ready(page_kind, timeout_s)
        return status

    def wait_ready(self, page_kind, timeout_s=15.0):
        self.browser.wait_for(ready_expression(page_kind), timeout_s=timeout_s)

    # -- what was drawn -------------------------------------------------------------------------

    def revision(self):
        """body.dataset.revision: the document revision drawn last (None before any)."""
        return self.browser.evaluate("document.body.dataset.revision ?? null")

    def chart_count(self, chart, counter):
        """int(data-<counter>) of the element with data-chart=<chart>; None when there is no
        such element or it has no such attribute."""
        value = self.browser.evaluate(
            f"(() => {{ const e = document.querySelector('[data-chart={_js(chart)}]');"
            f" return e ? e.getAttribute({_js('data-' + counter)}) : null; }})()")
        return None if value is None else int(value)

    def chart_shown(self, chart):
        """True when a [data-chart=<chart>] element exists and is rendered (not display:none,
        nor inside a hidden section)."""
        return self.browser.evaluate(
            f"(() => {{ const e = document.querySelector('[data-chart={_js(chart)}]');"
            " return !!e && e.getClientRects().length > 0; })()")

    def row_count(self, selector):
        """How many elements match the CSS selector."""
        return self.browser.evaluate(f"document.querySelectorAll({_js(selector)}).length")

    def visible_count(self, selector):
        """How many elements match the CSS selector and are rendered (not display:none)."""
        return self.browser.evaluate(
            f"Array.from(document.querySelectorAll({_js(selector)}))"
            ".filter(e => e.getClientRects().length > 0).length")

    def attribute_values(self, selector, attribute):
        """The attribute of every element matching the selector, in document order."""
        return self.browser.evaluate(
            f"Array.from(document.querySelectorAll({_js(selector)}),"
            f" e => e.getAttribute({_js(attribute)}))")

    def text(self, selector="body"):
        """innerText of the first element matching the selector ("" when none)."""
        return self.browser.evaluate(
            f"(() => {{ const e = document.querySelector({_js(selector)});"
            " return e ? e.innerText : ''; })()")

    def ready_at_ms(self):
        """window.__hyperdReadyAt: ms from navigation start to the first time the page was
        ready."""
        return self.browser.evaluate("window.__hyperdReadyAt ?? null")

    def api_timings(self, path_fragment):
        """Resource timing entries of the page's fetches whose URL contains path_fragment:
        [{"url", "start_ms", "duration_ms", "response_ms", "transfer_bytes", "body_bytes",
        "decoded_bytes"}] in fetch order (transfer_bytes is 0 for a 304 served from cache)."""
        return self.browser.evaluate(
            "performance.getEntriesByType('resource')"
            f".filter(e => e.name.includes({_js(path_fragment)}))"
            ".map(e => ({url: e.name, start_ms: e.startTime, duration_ms: e.duration,"
            " response_ms: e.responseEnd - e.requestStart, transfer_bytes: e.transferSize,"
            " body_bytes: e.encodedBodySize, decoded_bytes: e.decodedBodySize}))")

    def uncaught_errors(self):
        """Uncaught exceptions the current page threw (console errors are left out: Chromium
        logs every 401 the token prompt is built on as one)."""
        return [e for e in self.browser.page_errors() if e.startswith("uncaught")]
