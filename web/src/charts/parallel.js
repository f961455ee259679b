// Parallel coordinates (canvas): one vertical axis per parameter plus the objective, one polyline
// per trial coloured by its objective (darker = better). Lines are bucketed by colour and each
// bucket is stroked as one path, worst first, so 10,000 trials draw in one pass with the best on
// top. An inactive (conditional) parameter breaks the line. Counters: data-lines, data-axes.
import {chartContainer, createCanvas, emptyNote} from './canvas.js';
import {kAxisColor, kFont, kTextColor, line, scale, ticks} from './axes.js';
import {objectiveColor} from './colors.js';
import {num} from '../format.js';

const kBuckets = 24;
const kHeight = 320;
const kTop = 34;
const kBottom = 26;

// Value -> [0, 1] position on the axis for a dimension (categorical: evenly spaced codes).
function normaliser(dim) {
  if (dim.type === 'CATEGORICAL') {
    const n = (dim.categories || []).length;
    return (v) => (n <= 1 ? 0.5 : v / (n - 1));
  }
  const s = scale(dim.min, dim.max, 0, 1, dim.log);
  return (v) => s(v);
}

export function drawParallel(parent, parallel, goal) {
  const el = chartContainer('parallel');
  parent.append(el);
  const dims = parallel ? parallel.dimensions || [] : [];
  const rows = parallel ? parallel.rows || [] : [];
  el.dataset.lines = '0';
  el.dataset.axes = '0';
  if (dims.length === 0 || rows.length === 0) {
    el.append(emptyNote('No finished trial with an objective value yet.'));
    return;
  }
  const objective = parallel.objective || {name: 'objective', min: null, max: null};
  const axes = [...dims, {name: objective.name, type: 'OBJECTIVE', min: objective.min, max: objective.max}]
      .map((dim, i) => withRange(dim, rows, i));
  const {ctx, width} = createCanvas(el, kHeight);
  const left = 50;
  const right = width - 50;
  const gap = axes.length > 1 ? (right - left) / (axes.length - 1) : 0;
  const xs = axes.map((_, i) => left + i * gap);
  const plotTop = kTop;
  const plotBottom = kHeight - kBottom;
  const toY = (t) => plotBottom - t * (plotBottom - plotTop);
  const norms = axes.map(normaliser);

  // Colour bucket per row: 1 = best objective.
  const objectiveAxis = axes[axes.length - 1];
  const span = objectiveAxis.max - objectiveAxis.min;
  const goodness = (v) => {
    if (v === null || !(span > 0)) return 0.5;
    const t = (v - objectiveAxis.min) / span;
    return goal === 'MAXIMIZE' ? t : 1 - t;
  };
  const buckets = Array.from({length: kBuckets}, () => []);
  for (const row of rows) {
    const g = goodness(row[axes.length - 1]);
    buckets[Math.min(kBuckets - 1, Math.floor(g * kBuckets))].push(row);
  }
  ctx.lineWidth = rows.length > 300 ? 1 : 1.4;  // sub-pixel widths raster slower
  ctx.globalAlpha = rows.length > 2000 ? 0.15 : rows.length > 300 ? 0.4 : 0.8;
  let drawn = 0;
  for (let b = 0; b < kBuckets; b++) {
    if (buckets[b].length === 0) continue;
    ctx.strokeStyle = objectiveColor((b + 0.5) / kBuckets);
    ctx.beginPath();
    for (const row of buckets[b]) {
      let penDown = false;
      for (let i = 0; i < axes.length; i++) {
        const v = row[i];
        if (v === null || v === undefined) {
          penDown = false;
          continue;
        }
        const y = toY(norms[i](v));
        if (penDown) ctx.lineTo(xs[i], y);
        else ctx.moveTo(xs[i], y);
        penDown = true;
      }
      drawn++;
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  axes.forEach((dim, i) => drawAxis(ctx, dim, xs[i], plotTop, plotBottom, norms[i], i === axes.length - 1));
  el.dataset.lines = String(drawn);
  el.dataset.axes = String(axes.length);
}

// The dimension with min/max taken from the rows when the document gave none.
function withRange(dim, rows, index) {
  if (dim.type === 'CATEGORICAL' || (Number.isFinite(dim.min) && Number.isFinite(dim.max))) return dim;
  let min = Infinity;
  let max = -Infinity;
  for (const row of rows) {
    const v = row[index];
    if (v === null || v === undefined) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {...dim, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 1};
}

function drawAxis(ctx, dim, x, top, bottom, norm, isObjective) {
  ctx.save();
  ctx.strokeStyle = kAxisColor;
  ctx.lineWidth = 1;
  line(ctx, Math.round(x) + 0.5, top, Math.round(x) + 0.5, bottom);
  ctx.font = isObjective ? `bold ${kFont}` : kFont;
  ctx.fillStyle = kTextColor;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(dim.name + (dim.log ? ' (log)' : ''), x, top - 14);
  ctx.font = kFont;
  ctx.textBaseline = 'middle';
  const labels = dim.type === 'CATEGORICAL'
      ? (dim.categories || []).map((c, code) => [code, String(c)])
      : ticks(dim.min, dim.max, 4, dim.log).map((v) => [v, num(v)]);
  // Label every tick when they fit, else only the ends.
  const fits = labels.length <= Math.max(2, Math.floor((bottom - top) / 14));
  labels.forEach(([value, text], i) => {
    if (!fits && i !== 0 && i !== labels.length - 1) return;
    const y = bottom - norm(value) * (bottom - top);
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    const w = ctx.measureText(text).width;
    ctx.fillRect(x + 3, y - 6, w + 4, 12);
    ctx.fillStyle = kTextColor;
    ctx.textAlign = 'left';
    ctx.fillText(text, x + 5, y);
    ctx.strokeStyle = kAxisColor;
    line(ctx, x - 3, Math.round(y) + 0.5, x + 3, Math.round(y) + 0.5);
  });
  ctx.restore();
}
