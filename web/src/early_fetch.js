// Runs first, as a classic script in <head>: parses the route and starts its API request at once,
// so the server builds the document (the slow part for a big study) while the browser is still
// loading the page's script (dashboard.js, the bundle of app.js). app.js parses routes with
// hyperdRoute and api.js takes over the request with takeEarlyFetch; anything but a plain 200 is
// simply fetched again there.
(function () {
  'use strict';

  // #/ -> study list; #/studies/<id> -> study page; #/studies/<id>/trials/<n> -> trial page.
  function hyperdRoute(hash) {
    const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
    if (parts.length === 2 && parts[0] === 'studies') {
      return {kind: 'study', studyId: parts[1], path: `studies/${encodeURIComponent(parts[1])}`};
    }
    if (parts.length === 4 && parts[0] === 'studies' && parts[2] === 'trials' && /^\d+$/.test(parts[3])) {
      return {kind: 'trial', studyId: parts[1], trialNumber: Number(parts[3]),
        path: `studies/${encodeURIComponent(parts[1])}/trials/${parts[3]}`};
    }
    return {kind: 'studies', path: 'studies'};
  }
  window.hyperdRoute = hyperdRoute;

  let early = null;
  try {
    const path = hyperdRoute(location.hash).path;
    const headers = {Accept: 'application/json'};
    const token = sessionStorage.getItem('hyperd.dashboard.token');
    if (token) headers.Authorization = `Bearer ${token}`;
    const url = new URL(path, new URL('../api/dashboard/', document.baseURI));
    early = {path, response: fetch(url, {headers, cache: 'no-store'})};
    early.response.catch(() => {});  // api.js fetches again on any failure
  } catch (e) {
    early = null;
  }
  // The early response for `path`, once; null when there is none (api.js then fetches itself).
  window.takeEarlyFetch = function (path) {
    if (early === null || early.path !== path) return null;
    const response = early.response;
    early = null;
    return response;
  };
})();
