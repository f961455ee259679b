// Optimisation history (uPlot): each finished trial's objective value as a point, coloured by how it
// ended, and the best-so-far value as a step line. Hover shows the values; a click opens the trial.
// Counters: data-points (trial points), data-best-points.
import uPlot from 'uplot';
import {chartContainer, emptyNote} from './canvas.js';
import {kBestColor, stateColor} from './colors.js';
import {squarePoints, uplotAxis} from './uplot_helpers.js';

export function drawHistory(parent, history, study) {
  const el = chartContainer('history');
  parent.append(el);
  const numbers = history ? history.number : [];
  const count = numbers.length;
  const best = history ? history.best : [];
  el.dataset.points = String(count);
  el.dataset.bestPoints = String(best.filter((v) => v !== null).length);
  if (count === 0) {
    el.append(emptyNote('No finished trial has an objective value yet.'));
    return;
  }
  const completed = new Array(count);
  const pruned = new Array(count);
  for (let i = 0; i < count; i++) {
    const isPruned = history.state[i] === 'PRUNED';
    completed[i] = isPruned ? null : history.value[i];
    pruned[i] = isPruned ? history.value[i] : null;
  }
  // Circles while few; squares in one path when many (uPlot's circles cost ~30 ms per 1,000).
  const many = count > 1500;
  const scatter = (color, fill) => (many
      ? {stroke: color, fill, width: 0, paths: squarePoints(3), points: {show: false}}
      : {stroke: color, paths: () => null, points: {show: true, size: count > 300 ? 4 : 6, width: 0, fill, stroke: fill}});
  const plot = new uPlot({
    width: Math.max(300, el.clientWidth),
    height: 300,
    cursor: {drag: {x: true, y: false}, points: {size: 8}},
    scales: {x: {time: false}},
    series: [
      {label: 'trial', value: (u, v) => (v === null ? '–' : `#${v}`)},
      {label: 'value', ...scatter(stateColor('SUCCEEDED'), 'rgba(47,125,79,0.75)')},
      {label: 'value (pruned)', ...scatter(stateColor('PRUNED'), 'rgba(217,130,43,0.75)')},
      {label: `best so far (${study.goal === 'MAXIMIZE' ? 'max' : 'min'})`, stroke: kBestColor, width: 2,
        paths: uPlot.paths.stepped({align: 1}), points: {show: false}, spanGaps: true},
    ],
    axes: [uplotAxis('trial number'), uplotAxis(study.metric || 'objective')],
  }, [numbers, completed, pruned, best], el);
  el.classList.add('clickable');
  plot.over.addEventListener('click', () => {
    const index = plot.cursor.idx;
    if (index !== null && index !== undefined) {
      location.hash = `#/studies/${encodeURIComponent(study.id)}/trials/${numbers[index]}`;
    }
  });
}
