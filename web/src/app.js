// The dashboard's entry point: hash routes, page loading, live updates and the test hooks.
//
// Routes:  #/                          study list      (GET studies)
//          #/studies/<id>              study page      (GET studies/<id>)
//          #/studies/<id>/trials/<n>   trial page      (GET studies/<id>/trials/<n>)
// Test hooks on <body>: data-page ("studies" | "study" | "trial" | "error"), data-ready ("0" while
// a route loads, "1" once everything on it is drawn), data-revision (the revision drawn last);
// window.__hyperdReadyAt = performance.now() when a page first became ready. Performance marks
// hyperd-fetch-start / hyperd-fetch-end / hyperd-ready time each route's load.
import {getDocument} from './api.js';
import {h} from './dom.js';
import {LivePoller, revisionOf} from './live.js';
import * as studiesPage from './pages/studies.js';
import * as studyPage from './pages/study.js';
import * as trialPage from './pages/trial.js';

const main = document.getElementById('main');
const crumbs = document.getElementById('crumbs');
const liveStatus = document.getElementById('live');
let visit = 0;       // increments per navigation; stale loads compare and give up
let poller = null;
let shown = null;    // {route, result, state, visitId} last drawn, for redraws after a resize

// The route parser lives in early_fetch.js (a classic script that starts the first request).
const kPages = {studies: studiesPage, study: studyPage, trial: trialPage};
function parseRoute(hash) {
  const route = window.hyperdRoute(hash);
  route.page = kPages[route.kind];
  return route;
}

function setCrumbs(route) {
  const items = [h('a', {href: '#/'}, 'Studies')];
  if (route.studyId !== undefined) {
    items.push(h('span', {class: 'sep'}, '/'),
        h('a', {href: `#/studies/${encodeURIComponent(route.studyId)}`}, route.studyId));
  }
  if (route.trialNumber !== undefined) {
    items.push(h('span', {class: 'sep'}, '/'), h('span', null, `Trial ${route.trialNumber}`));
  }
  crumbs.replaceChildren(...items);
}

function markReady(revision) {
  if (revision !== undefined) document.body.dataset.revision = revision;
  document.body.dataset.ready = '1';
  performance.mark('hyperd-ready');
  if (window.__hyperdReadyAt === undefined) window.__hyperdReadyAt = performance.now();
}

// Resolves after uPlot's queued (microtask) draws have run.
function afterDraw() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function setLiveStatus(text, isError) {
  liveStatus.textContent = text;
  liveStatus.classList.toggle('error', Boolean(isError));
}

function showError(route, error) {
  const forbidden = error.status === 403;
  const missing = error.status === 404;
  const title = forbidden ? 'Access denied' : missing ? 'Not found' : 'Could not load this page';
  const hint = forbidden ? 'Your token does not allow this study or action; ask for a token with the viewer role for it.'
      : missing ? 'Check the study id or trial number in the address.' : '';
  main.replaceChildren(h('section', {class: 'card error-card', id: 'error', dataset: {status: error.status ?? 0}},
      h('h2', null, title),
      h('p', null, h('code', null, error.code || 'ERROR'), ' ', error.message),
      hint ? h('p', {class: 'note'}, hint) : null,
      h('p', null, h('a', {href: '#/'}, '← All studies'))));
  document.body.dataset.page = 'error';
}

// Draws `result` for `route` into a fresh container that replaces the old one in one step, keeping
// the page's height meanwhile so a live redraw does not jump the scroll position.
async function draw(route, result, state) {
  shown = {route, result, state, visitId: visit};
  main.style.minHeight = `${main.offsetHeight}px`;
  const container = h('div', {class: 'page'});
  main.replaceChildren(container);
  route.page.render(container, result.body, route, state);
  document.body.dataset.page = route.page.kName;
  await afterDraw();
  main.style.minHeight = '';
}

async function show() {
  const myVisit = ++visit;
  if (poller) poller.stop();
  poller = null;
  shown = null;
  document.body.dataset.ready = '0';
  const route = parseRoute(location.hash);
  setCrumbs(route);
  setLiveStatus('loading…', false);
  main.replaceChildren(h('p', {class: 'loading'}, 'Loading…'));
  const started = performance.now();
  let result;
  performance.mark('hyperd-fetch-start');
  try {
    result = await getDocument(route.path);
    performance.mark('hyperd-fetch-end');
  } catch (error) {
    if (myVisit !== visit) return;
    showError(route, error);
    setLiveStatus('', false);
    markReady();
    return;
  }
  if (myVisit !== visit) return;
  const state = {};  // per-visit UI state (e.g. the trials table's page) kept across redraws
  await draw(route, result, state);
  if (myVisit !== visit) return;
  const revision = revisionOf(result);
  markReady(result.body.revision ?? '');
  const cost = performance.now() - started;
  setLiveStatus(`live · ${(result.bytes / 1024).toFixed(0)} KiB in ${cost.toFixed(0)} ms`, false);
  poller = new LivePoller(route.path, revision, result.etag, async (next) => {
    if (myVisit !== visit) return;
    await draw(route, next, state);
    if (myVisit === visit) markReady(next.body.revision ?? '');
  }, setLiveStatus);
  poller.start(cost);
}

// Charts are drawn for the width they had: redraw the shown document after a resize settles.
let resizeTimer = null;
let lastWidth = window.innerWidth;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (window.innerWidth === lastWidth || !shown) return;
    lastWidth = window.innerWidth;
    const {route, result, state, visitId} = shown;
    if (visitId === visit) draw(route, result, state);
  }, 200);
});

window.addEventListener('hashchange', show);
show();
