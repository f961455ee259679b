// Shared uPlot settings: axes in the dashboard's style, aligning series that have different x
// values, and a dashed vertical marker line drawn by a uPlot draw hook.
import {kAxisColor, kFont, kGridColor, kTextColor} from './axes.js';
import {num} from '../format.js';

export function uplotAxis(label, extra = {}) {
  return {label, stroke: kTextColor, font: kFont, labelFont: `bold ${kFont}`,
    grid: {stroke: kGridColor, width: 1}, ticks: {stroke: kAxisColor, width: 1, size: 4},
    values: (u, splits) => splits.map(num), ...extra};
}

// [{steps, values}] -> uPlot data [xs, ys0, ys1, ...] on the sorted union of all steps (null where
// a series has no value at that step).
export function alignSeries(series) {
  const xs = [...new Set(series.flatMap((s) => s.steps))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const data = [xs];
  for (const s of series) {
    const ys = new Array(xs.length).fill(null);
    for (let i = 0; i < s.steps.length; i++) ys[index.get(s.steps[i])] = s.values[i];
    data.push(ys);
  }
  return data;
}

// A vertical dashed line at x = `step` with a caption, drawn by a uPlot draw hook.
export function markerLineHook(step, caption, color) {
  return (u) => {
    if (step === null || step === undefined) return;
    const px = Math.round(u.valToPos(step, 'x', true));
    const ctx = u.ctx;
    const ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5 * ratio;
    ctx.setLineDash([5 * ratio, 4 * ratio]);
    ctx.beginPath();
    ctx.moveTo(px, u.bbox.top);
    ctx.lineTo(px, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = color;
    ctx.font = `${11 * ratio}px system-ui, sans-serif`;
    ctx.fillText(caption, px + 4 * ratio, u.bbox.top + 12 * ratio);
    ctx.restore();
  };
}

// A uPlot `paths` builder that fills one small square per point: far cheaper than uPlot's circle
// points when a scatter has thousands of points (10,000 trials draw in a few milliseconds).
export function squarePoints(size) {
  return (u, seriesIndex, first, last) => {
    const xs = u.data[0];
    const ys = u.data[seriesIndex];
    const scaleKey = u.series[seriesIndex].scale;
    const side = size * (window.devicePixelRatio || 1);
    const path = new Path2D();
    for (let i = first; i <= last; i++) {
      const y = ys[i];
      if (y === null || y === undefined) continue;
      path.rect(u.valToPos(xs[i], 'x', true) - side / 2, u.valToPos(y, scaleKey, true) - side / 2, side, side);
    }
    return {stroke: null, fill: path};
  };
}
