// The study list (#/): one row per study with its state, trials by state, best value and
// algorithms; a row opens the study page. Test hook: table#studies tbody tr[data-study-id].
import {h, section} from '../dom.js';
import {num, statesInOrder, time} from '../format.js';
import {stateColor} from '../charts/colors.js';

export const kName = 'studies';

export function render(root, doc) {
  const studies = doc.studies || [];
  const rows = studies.map((s) => {
    const href = `#/studies/${encodeURIComponent(s.id)}`;
    const row = h('tr', {dataset: {studyId: s.id}, class: 'link-row', onclick: (event) => {
      if (!event.target.closest('a')) location.hash = href;
    }},
        h('td', null, h('a', {href}, s.id), s.display_name && s.display_name !== s.id
            ? h('div', {class: 'sub'}, s.display_name) : null),
        h('td', null, stateBadge(s.state)),
        h('td', {class: 'num'}, s.trial_count),
        h('td', null, trialStates(s.trials_by_state)),
        h('td', {class: 'num'}, num(s.best_value), s.best_trial !== null && s.best_trial !== undefined
            ? h('div', {class: 'sub'}, `trial ${s.best_trial}`) : null),
        h('td', null, s.metric ? `${s.goal === 'MAXIMIZE' ? 'max' : 'min'} ${s.metric}` : '–'),
        h('td', null, s.sampler || '–', s.scheduler ? h('div', {class: 'sub'}, s.scheduler) : null),
        h('td', null, time(s.create_time)));
    return row;
  });
  const table = h('table', {id: 'studies', class: 'data'},
      h('thead', null, h('tr', null, h('th', null, 'Study'), h('th', null, 'State'),
          h('th', {class: 'num'}, 'Trials'), h('th', null, 'By state'), h('th', {class: 'num'}, 'Best'),
          h('th', null, 'Objective'), h('th', null, 'Sampler / scheduler'), h('th', null, 'Created'))),
      h('tbody', null, rows));
  const version = doc.server && doc.server.version ? `hyperd ${doc.server.version}` : '';
  root.append(section('Studies', `${studies.length} ${studies.length === 1 ? 'study' : 'studies'}${version ? ` · ${version}` : ''}`,
      studies.length === 0 ? h('p', {class: 'empty'}, 'No studies yet: create one with hyperctl study create -f spec.json or a client.') : null,
      h('div', {class: 'table-wrap'}, table)));
}

export function stateBadge(state) {
  return h('span', {class: `badge state-${String(state || '').toLowerCase()}`}, state || '–');
}

export function trialStates(byState) {
  return h('span', {class: 'states'}, statesInOrder(byState).map(([state, count]) =>
    h('span', {class: 'state-count', title: state},
        h('i', {style: `background:${stateColor(state)}`}), `${count} ${state.toLowerCase()}`)));
}
