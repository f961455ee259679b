// Learning-rate schedules (uPlot): the study's given schedule in bold and each trial's own
// (refined or online) schedule as a thin line. Trials share one legend entry; hovering shows the
// given schedule's value. Counter: data-lines (given + trials).
import uPlot from 'uplot';
import {chartContainer, emptyNote, legend} from './canvas.js';
import {alignSeries, uplotAxis} from './uplot_helpers.js';

const kGivenColor = '#1a202c';
const kTrialColor = 'rgba(43,108,176,0.35)';

// `schedules`: {given: {steps, lr} | null, trials: [{number, steps, lr}]}. `name` is the chart's
// data-chart name, `trialsLabel` the legend text for the thin lines.
export function drawSchedules(parent, schedules, name = 'schedules', trialsLabel = '') {
  const el = chartContainer(name);
  parent.append(el);
  const series = [];
  if (schedules && schedules.given && schedules.given.steps.length > 0) {
    series.push({label: 'given', steps: schedules.given.steps, values: schedules.given.lr, given: true});
  }
  for (const t of (schedules && schedules.trials) || []) {
    if (t.steps.length > 0) series.push({label: t.number === undefined ? 'trial' : `trial ${t.number}`, steps: t.steps, values: t.lr});
  }
  el.dataset.lines = String(series.length);
  if (series.length === 0) {
    el.append(emptyNote('No schedule values to show.'));
    return;
  }
  // A few trial lines stay readable at full colour; many are drawn faint so the given one stands out.
  const trialCount = series.filter((s) => !s.given).length;
  const trialStroke = trialCount <= 3 ? '#2b6cb0' : kTrialColor;
  const positive = series.every((s) => s.values.every((v) => v === null || v > 0));
  new uPlot({
    width: Math.max(300, el.clientWidth),
    height: 260,
    legend: {show: false},
    scales: {x: {time: false}, y: {distr: positive ? 3 : 1}},
    series: [{label: 'step'}, ...series.map((s) => ({
      label: s.label, stroke: s.given ? kGivenColor : trialStroke, width: s.given ? 2.5 : trialCount <= 3 ? 1.5 : 1,
      points: {show: false}, spanGaps: true}))],
    axes: [uplotAxis('optimizer step'), uplotAxis(positive ? 'learning rate (log)' : 'learning rate',
        positive ? {size: 64, splits: decades} : {size: 64})],
  }, alignSeries(series), el);
  el.append(legend([
    {label: 'given schedule', color: kGivenColor},
    {label: trialsLabel || `each trial's own (${series.length - (series[0].given ? 1 : 0)})`, color: '#2b6cb0'},
  ]));
}

// Log axes: ticks and grid lines at decades only (uPlot's default 2..9 x 10^k splits are too busy).
function decades(u, axisIndex, min, max) {
  const out = [];
  for (let e = Math.ceil(Math.log10(min) - 1e-9); e <= Math.floor(Math.log10(max) + 1e-9); e++) out.push(10 ** e);
  return out.length >= 2 ? out : [min, max];
}
