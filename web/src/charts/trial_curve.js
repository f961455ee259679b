// The trial page's learning curve (uPlot): every metric the trial reported, by step; the study's
// objective metric is shown, the others can be toggled in the legend. A dashed line marks where the scheduler stopped the trial.
// Counter: data-points (measurements drawn).
import uPlot from 'uplot';
import {chartContainer} from './canvas.js';
import {kStoppedColor} from './colors.js';
import {markerLineHook, uplotAxis} from './uplot_helpers.js';

const kMetricColors = ['#2b6cb0', '#2f7d4f', '#d9822b', '#8a5a9e', '#c23b3b', '#319795'];

export function drawTrialCurve(parent, trial) {
  const el = chartContainer('trial-curve');
  parent.append(el);
  const measurements = trial.measurements || [];
  el.dataset.points = String(measurements.length);
  if (measurements.length === 0) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = 'This trial has reported no measurement.';
    el.append(p);
    return;
  }
  const names = [];
  for (const m of measurements) {
    for (const name of Object.keys(m.metrics || {})) if (!names.includes(name)) names.push(name);
  }
  // The study's objective metric (trial.metric) first: it is the one shown by default.
  if (trial.metric && names.includes(trial.metric)) names.sort((a, b) => (b === trial.metric) - (a === trial.metric));
  const steps = measurements.map((m) => m.step);
  const data = [steps, ...names.map((name) => measurements.map((m) => {
    const v = m.metrics ? m.metrics[name] : null;
    return v === undefined ? null : v;
  }))];
  new uPlot({
    width: Math.max(300, el.clientWidth),
    height: 260,
    scales: {x: {time: false}},
    series: [{label: 'step'}, ...names.map((name, i) => ({
      label: name, scale: name, show: i === 0, stroke: kMetricColors[i % kMetricColors.length], width: 2,
      points: {show: measurements.length <= 60, size: 5}, spanGaps: true}))],
    axes: [uplotAxis('step'), uplotAxis(names[0] || 'value', {scale: names[0]})],
    hooks: {draw: [markerLineHook(trial.stopped_at_step, 'stopped', kStoppedColor)]},
  }, data, el);
}
