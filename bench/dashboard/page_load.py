"""How long the dashboard's study page takes to load and draw, measured in headless Chromium
through the page's own test hooks, and how long the JSON document alone takes from Python.

    loads = measure_page_loads(pages, "load-10000", loads=5)
    fetches = measure_api_fetches(origin, "load-10000", fetches=5)

A page load is a new tab navigated to #/studies/<id>; it counts from navigation start to the
first time body.dataset.ready == "1" (window.__hyperdReadyAt, which the page takes with
performance.now()). The page's fetch of its study document comes from the Resource Timing API
(request start to response end, and its encoded/decoded size). The page's own performance marks
(e.g. web/'s hyperd-fetch-end, hyperd-draw:<chart>) are kept too, for a breakdown.
"""

import collections
import http.client
import statistics
import time
import urllib.parse

PageLoad = collections.namedtuple(
    "PageLoad", "ready_ms fetch_ms fetch_start_ms fetch_end_ms body_bytes decoded_bytes "
                "draw_ms points curves marks uncaught_errors")
ApiFetch = collections.namedtuple("ApiFetch", "status seconds bytes etag encoding")


def measure_page_loads(pages, study_id, loads, timeout_s=120.0):
    """`loads` fresh page loads of the study page; a list of PageLoad. Raises BrowserError when
    a load does not become ready within timeout_s."""
    results = []
    document_path = f"/api/dashboard/studies/{urllib.parse.quote(study_id)}"
    for _ in range(loads):
        pages.open_study(study_id, timeout_s=timeout_s)
        ready_ms = pages.ready_at_ms()
        fetches = [t for t in pages.api_timings(document_path)
                   if urllib.parse.urlparse(t["url"]).path == document_path]
        first = min(fetches, key=lambda t: t["start_ms"]) if fetches else None
        results.append(PageLoad(
            ready_ms=ready_ms,
            fetch_ms=first["response_ms"] if first else None,
            fetch_start_ms=first["start_ms"] if first else None,
            fetch_end_ms=first["start_ms"] + first["duration_ms"] if first else None,
            body_bytes=first["body_bytes"] if first else None,
            decoded_bytes=first["decoded_bytes"] if first else None,
            draw_ms=(ready_ms - (first["start_ms"] + first["duration_ms"])
                     if first and ready_ms is not None else None),
            points=pages.chart_count("history", "points"),
            curves=pages.chart_count("curves", "lines"),
            marks=page_marks(pages.browser),
            uncaught_errors=pages.uncaught_errors()))
    return results


def page_marks(browser):
    """The page's own User Timing entries (performance.mark/measure), if it makes any:
    {name: {"start_ms", "duration_ms"}} (the last entry of each name)."""
    entries = browser.evaluate(
        "performance.getEntriesByType('mark').concat(performance.getEntriesByType('measure'))"
        ".map(e => [e.name, e.startTime, e.duration])")
    return {name: {"start_ms": start, "duration_ms": duration}
            for name, start, duration in entries}


def measure_api_fetches(origin, study_id, fetches, token=None):
    """`fetches` GETs of the study document over one keep-alive connection, as a browser sends
    them (Accept-Encoding: gzip), then one with If-None-Match of the last ETag. Returns
    (a list of ApiFetch, the conditional ApiFetch or None when the server sent no ETag)."""
    parsed = urllib.parse.urlparse(origin)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    path = f"/api/dashboard/studies/{urllib.parse.quote(study_id)}"
    headers = {"Accept-Encoding": "gzip"}
    if token:
        headers["Authorization"] = f"Bearer {token}"

    def get(extra_headers):
        started = time.perf_counter()
        connection.request("GET", path, headers=dict(headers, **extra_headers))
        response = connection.getresponse()
        body = response.read()
        seconds = time.perf_counter() - started
        if response.status not in (200, 304):
            raise RuntimeError(f"GET {path}: HTTP {response.status}: {body[:300]!r}")
        return ApiFetch(response.status, seconds, len(body), response.getheader("ETag"),
                        response.getheader("Content-Encoding") or "identity")

    try:
        plain = [get({}) for _ in range(fetches)]
        etag = plain[-1].etag if plain else None
        conditional = get({"If-None-Match": etag}) if etag else None
    finally:
        connection.close()
    return plain, conditional


def median(values):
    """The median of the values that are not None (None when there are none)."""
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None
