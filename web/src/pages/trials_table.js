// The study page's trials table: number, state, value and parameters, 100 rows per page (only the
// shown page is built, so 10,000 trials cost nothing until paged to), newest first; a row opens
// the trial page. Test hook: table#trials tbody tr[data-trial-number].
//
// Rows come from the document's `trials` columns (every trial: number, state, value); parameters
// from parallel.rows, which list the history's trials in the history's order.
import {h} from '../dom.js';
import {num, paramValue} from '../format.js';
import {stateBadge} from './studies.js';

const kPageSize = 100;
const kMaxParamColumns = 8;

export function collectTrials(doc) {
  const byNumber = new Map();
  const entry = (number) => {
    let row = byNumber.get(number);
    if (!row) {
      row = {number, state: '', value: null, paramsRow: null};
      byNumber.set(number, row);
    }
    return row;
  };
  const all = doc.trials || {number: [], state: [], value: []};
  all.number.forEach((number, i) => {
    const row = entry(number);
    row.state = all.state[i];
    row.value = all.value[i];
  });
  const history = doc.history || {number: [], value: [], state: []};
  const dims = (doc.parallel && doc.parallel.dimensions) || [];
  const rows = (doc.parallel && doc.parallel.rows) || [];
  const aligned = rows.length === history.number.length &&
      rows.every((r, i) => r[r.length - 1] === history.value[i]);
  if (aligned) history.number.forEach((number, i) => { entry(number).paramsRow = i; });
  // Parameter values are looked up only for the rows a page shows.
  const paramsOf = (trial) => (trial.paramsRow === null ? null : dims.map((dim, k) => {
    const v = rows[trial.paramsRow][k];
    return dim.type === 'CATEGORICAL' && v !== null ? (dim.categories || [])[v] : v;
  }));
  return {trials: [...byNumber.values()].sort((a, b) => b.number - a.number),
    paramNames: dims.map((d) => d.name), paramsOf};
}

// `state.trialsPage` keeps the page across live redraws.
export function renderTrialsTable(parent, doc, state) {
  const {trials, paramNames, paramsOf} = collectTrials(doc);
  const studyId = doc.study.id;
  const shownParams = paramNames.slice(0, kMaxParamColumns);
  const folded = paramNames.length > kMaxParamColumns;
  const pages = Math.max(1, Math.ceil(trials.length / kPageSize));
  state.trialsPage = Math.min(state.trialsPage || 0, pages - 1);
  const tbody = h('tbody');
  const info = h('span', {class: 'pager-info'});
  const prev = h('button', {type: 'button', class: 'pager-prev'}, '← Newer');
  const next = h('button', {type: 'button', class: 'pager-next'}, 'Older →');

  const fill = () => {
    const start = state.trialsPage * kPageSize;
    const page = trials.slice(start, start + kPageSize);
    tbody.replaceChildren(...page.map((t) => {
      const href = `#/studies/${encodeURIComponent(studyId)}/trials/${t.number}`;
      const params = paramsOf(t);
      return h('tr', {dataset: {trialNumber: t.number}, class: 'link-row', onclick: (event) => {
        if (!event.target.closest('a')) location.hash = href;
      }},
          h('td', {class: 'num'}, h('a', {href}, String(t.number))),
          h('td', null, t.state ? stateBadge(t.state) : '–'),
          h('td', {class: 'num'}, num(t.value)),
          shownParams.map((_, k) => h('td', {class: 'num'}, params ? paramValue(params[k]) : '')),
          folded ? h('td', {class: 'sub'}, params ? paramNames.slice(kMaxParamColumns)
              .map((name, k) => `${name}=${paramValue(params[kMaxParamColumns + k])}`).join(', ') : '') : null);
    }));
    info.textContent = trials.length === 0 ? 'no trials' :
      `${start + 1}–${Math.min(trials.length, start + kPageSize)} of ${trials.length} · page ${state.trialsPage + 1} of ${pages}`;
    prev.disabled = state.trialsPage === 0;
    next.disabled = state.trialsPage >= pages - 1;
  };
  prev.addEventListener('click', () => { state.trialsPage--; fill(); });
  next.addEventListener('click', () => { state.trialsPage++; fill(); });
  fill();

  const table = h('table', {id: 'trials', class: 'data compact'},
      h('thead', null, h('tr', null, h('th', {class: 'num'}, '#'), h('th', null, 'State'),
          h('th', {class: 'num'}, 'Value'), shownParams.map((name) => h('th', {class: 'num'}, name)),
          folded ? h('th', null, 'More parameters') : null)),
      tbody);
  const wrap = h('div', {class: 'table-wrap deferred'}, table);
  // The placeholder height of the deferred table: a compact row is ~28 px, the header ~32 px.
  wrap.style.containIntrinsicSize = `auto ${32 + 28 * Math.min(kPageSize, trials.length)}px`;
  parent.append(h('div', {class: 'pager'}, prev, info, next), wrap);
}
