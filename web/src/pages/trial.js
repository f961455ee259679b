// The trial page (#/studies/<id>/trials/<n>): summary (state, value, reason, client, times,
// lease), parameters, the learning curve and measurements, bandit pull, schedule and history.
// Test hooks: table#trial-params tbody tr, table#trial-measurements tbody tr (the final
// measurement's: tr.final), ul#trial-history li, and the curve's data-chart="trial-curve".
import {facts, h, section} from '../dom.js';
import {duration, num, paramValue, relative, time} from '../format.js';
import {drawSchedules} from '../charts/schedules.js';
import {drawTrialCurve} from '../charts/trial_curve.js';
import {stateBadge} from './studies.js';

export const kName = 'trial';

const kMaxMeasurementRows = 500;

export function render(root, trial) {
  root.append(summary(trial));
  const add = (title, note) => {
    const card = section(title, note);
    root.append(card);
    return card;
  };
  add('Parameters').append(paramsTable(trial.parameters || []));
  const curveCard = add('Learning curve', trial.stopped_at_step !== null && trial.stopped_at_step !== undefined
      ? `The scheduler stopped this trial at step ${trial.stopped_at_step} (dashed line).` : '');
  drawTrialCurve(curveCard, trial);
  add('Measurements').append(measurementsTable(trial.measurements || [], trial.final_measurement));
  if (trial.bandit) add('Bandit pull').append(bandit(trial.bandit));
  if (trial.schedule) {
    const given = trial.schedule.given;
    const own = trial.schedule.trial;
    drawSchedules(add('Learning-rate schedule', 'The study\'s given schedule (bold) and this trial\'s own (thin).'),
        {given, trials: own ? [{number: trial.number, steps: own.steps, lr: own.lr}] : []}, 'trial-schedule',
        'this trial\'s own');
  }
  add('History').append(historyList(trial.history || []));
  const attributes = Object.entries(trial.user_attributes || {});
  if (attributes.length > 0) add('User attributes').append(facts(attributes));
}

function summary(trial) {
  const open = ['ACTIVE', 'STOPPING', 'REQUESTED'].includes(trial.state);
  const lease = trial.lease_expire_time ? `${time(trial.lease_expire_time)} (${relative(trial.lease_expire_time)})` : '';
  return h('section', {class: 'card summary'},
      h('div', {class: 'title-row'}, h('h1', null, `Trial ${trial.number}`), stateBadge(trial.state),
          h('a', {class: 'sub-link', href: `#/studies/${encodeURIComponent(trial.study_id)}`}, `study ${trial.study_id}`)),
      facts([
        ['Objective value', num(trial.objective_value)],
        ['Reason', trial.reason || ''],
        ['Stopped at step', trial.stopped_at_step ?? ''],
        ['Origin', trial.origin || ''],
        ['Client', trial.client_id || ''],
        ['Bracket', trial.bracket ?? ''],
        ['Max resource', trial.max_resource ?? ''],
        ['Created', time(trial.create_time)],
        ['Started', trial.start_time ? time(trial.start_time) : ''],
        ['Ended', trial.end_time ? `${time(trial.end_time)} (ran ${duration(trial.start_time || trial.create_time, trial.end_time)})` : ''],
        ['Lease expires', open ? lease : ''],
      ]));
}

function paramsTable(parameters) {
  return h('table', {id: 'trial-params', class: 'data compact'},
      h('thead', null, h('tr', null, h('th', null, 'Parameter'), h('th', null, 'Value'))),
      h('tbody', null, parameters.map((p) => h('tr', null, h('td', null, p.name),
          h('td', null, paramValue(p.value))))));
}

// The reports (the last kMaxMeasurementRows), then the final measurement as a row of its own
// (tr.final) unless it is the last report again (CompleteTrial without a measurement).
function measurementsTable(measurements, finalMeasurement) {
  if (finalMeasurement && measurements.length > 0 && sameMeasurement(finalMeasurement, measurements[measurements.length - 1])) {
    finalMeasurement = null;
  }
  const rows = finalMeasurement ? [...measurements, finalMeasurement] : measurements;
  if (rows.length === 0) return h('p', {class: 'empty'}, 'No measurement reported.');
  const names = [];
  for (const m of rows) for (const name of Object.keys(m.metrics || {})) if (!names.includes(name)) names.push(name);
  const shown = measurements.length > kMaxMeasurementRows ? measurements.slice(-kMaxMeasurementRows) : measurements;
  const row = (m, isFinal) => h('tr', {class: isFinal ? 'final' : null, dataset: {step: m.step}},
      h('td', {class: 'num'}, isFinal ? `${m.step} (final)` : m.step),
      h('td', {class: 'num'}, num(m.elapsed_seconds)),
      names.map((name) => h('td', {class: 'num'}, num(m.metrics ? m.metrics[name] ?? null : null))));
  const table = h('table', {id: 'trial-measurements', class: 'data compact'},
      h('thead', null, h('tr', null, h('th', {class: 'num'}, 'Step'), h('th', {class: 'num'}, 'Elapsed (s)'),
          names.map((name) => h('th', {class: 'num'}, name)))),
      h('tbody', null, shown.map((m) => row(m, false)), finalMeasurement ? row(finalMeasurement, true) : null));
  const wrap = h('div', {class: 'table-wrap scroll'}, table);
  if (shown.length < measurements.length) {
    return h('div', null, h('p', {class: 'note'}, `The last ${shown.length} of ${measurements.length} reports, then the final measurement.`), wrap);
  }
  return wrap;
}

function sameMeasurement(a, b) {
  return a.step === b.step && JSON.stringify(a.metrics) === JSON.stringify(b.metrics);
}

function bandit(pull) {
  return facts([
    ['Arm', pull.arm],
    ['Selection probability', num(pull.probability)],
    ['Reward', pull.reward === null || pull.reward === undefined ? 'pending (trial not finished)' : num(pull.reward)],
  ]);
}

function historyList(events) {
  return h('ul', {id: 'trial-history', class: 'timeline'}, events.map((e) =>
    h('li', {class: `event-${e.event.replace(/\s+/g, '-')}`},
        h('time', null, time(e.time)), h('b', null, e.event), e.detail ? h('span', null, e.detail) : null)));
}
