// The study page (#/studies/<id>): a summary and every chart of the study document, then the
// trials table. Charts whose data the document leaves null or empty say why, or (brackets,
// schedules, arms: not applicable to every study) are left out.
import {facts, h, section} from '../dom.js';
import {num, time} from '../format.js';
import {drawArms} from '../charts/arms.js';
import {drawBrackets} from '../charts/brackets.js';
import {drawCurves} from '../charts/curves.js';
import {drawHistory} from '../charts/history.js';
import {drawImportance} from '../charts/importance.js';
import {drawParallel} from '../charts/parallel.js';
import {drawSchedules} from '../charts/schedules.js';
import {stateBadge, trialStates} from './studies.js';
import {renderTrialsTable} from './trials_table.js';

export const kName = 'study';

// `state` survives live redraws of the same visit (the trials table's page).
export function render(root, doc, route, state) {
  const study = doc.study;
  root.append(summary(study));

  // Each section is attached before its chart draws, so the chart can size itself to it.
  const add = (title, note) => {
    const card = section(title, note);
    root.append(card);
    return card;
  };
  // Each draw is timed as a performance measure "hyperd-draw:<chart>" (for the load benchmark).
  const timed = (name, draw) => {
    const start = performance.now();
    draw();
    performance.measure(`hyperd-draw:${name}`, {start, end: performance.now()});
  };
  const historyCard = add('Optimisation history',
      `Each finished trial's ${study.metric || 'objective'} and the best so far (${study.goal === 'MAXIMIZE' ? 'maximising' : 'minimising'}); click a point to open its trial.`);
  timed('history', () => drawHistory(historyCard, doc.history, study));
  const curvesCard = add('Learning curves', curvesNote(doc.curves));
  timed('curves', () => drawCurves(curvesCard, doc.curves, study));
  const parallelCard = add('Parallel coordinates', 'One line per trial with a value; darker is better.');
  timed('parallel', () => drawParallel(parallelCard, doc.parallel, study.goal));
  drawImportance(add('Parameter importance'), doc.importance, doc.importance_reason);
  if (doc.brackets && doc.brackets.length > 0) {
    drawBrackets(add('Brackets', 'Trials per bracket and how many reached each rung (a measurement at or past the rung step).'),
        doc.brackets);
  }
  if (doc.schedules) {
    drawSchedules(add('Learning-rate schedules',
        'The study\'s schedule in bold; each trial\'s own schedule (refined or online) thin, for up to the 100 most recent trials.'),
    doc.schedules);
  }
  if (doc.arms) {
    drawArms(add('Bandit arms', `Policy ${doc.arms.policy}: mean reward with its [lower, upper] bound, pulls and selection probability; the favoured arm in blue.`),
        doc.arms);
  }
  const trialsCard = add('Trials');
  timed('trials', () => renderTrialsTable(trialsCard, doc, state));
}

function curvesNote(curves) {
  if (!curves) return '';
  const stopped = (curves.trials || []).filter((t) => t.stopped_at_step !== null && t.stopped_at_step !== undefined).length;
  return `${(curves.trials || []).length} curves, ${stopped} stopped by the scheduler; dashed lines mark rung steps.`;
}

function summary(study) {
  const best = study.best_value !== null && study.best_value !== undefined
      ? h('span', null, num(study.best_value), study.best_trial !== null && study.best_trial !== undefined
          ? h('a', {class: 'sub-link', href: `#/studies/${encodeURIComponent(study.id)}/trials/${study.best_trial}`}, ` trial ${study.best_trial}`) : null)
      : '–';
  const header = h('section', {class: 'card summary'},
      h('div', {class: 'title-row'}, h('h1', null, study.display_name || study.id), stateBadge(study.state)),
      study.display_name && study.display_name !== study.id ? h('p', {class: 'sub'}, study.id) : null,
      study.description ? h('p', {class: 'description'}, study.description) : null,
      facts([
        ['Objective', `${study.goal === 'MAXIMIZE' ? 'maximise' : 'minimise'} ${study.metric || ''}`],
        ['Best', best],
        ['Trials', h('span', null, String(study.trial_count ?? 0), ' ', trialStates(study.trials_by_state))],
        ['Sampler', study.sampler || '–'],
        ['Scheduler', study.scheduler || 'none'],
        ['Max resource', study.max_resource ?? ''],
        ['Created', time(study.create_time)],
        ['State reason', study.state_reason || ''],
        ['Sampler status', study.sampler_status || ''],
      ]),
      parameters(study.parameters || []));
  return header;
}

function parameters(list) {
  if (list.length === 0) return null;
  return h('details', {class: 'params'}, h('summary', null, `Search space: ${list.length} parameter${list.length === 1 ? '' : 's'}`),
      h('table', {class: 'data compact'},
          h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Type'), h('th', null, 'Range / values'))),
          h('tbody', null, list.map((p) => h('tr', null, h('td', null, p.name, p.parent ? h('span', {class: 'sub'}, ` (conditional on ${p.parent})`) : null),
              h('td', null, String(p.type || '').toLowerCase()),
              h('td', null, p.values && p.values.length > 0 ? p.values.join(', ')
                  : `[${num(p.min)}, ${num(p.max)}]${p.log ? ' log' : ''}`))))));
}
