// Parallel coordinates (canvas): one vertical axis per parameter plus the objective, one polyline
// per trial coloured by its objective (darker = better). Lines are bucketed by colour and each
// bucket is stroked as one path, worst first, so 10,000 trials draw in one pass with the best on
// top. An inactive (conditional) parameter breaks the line. Between two discrete axes (categorical,
// or integer with few values) many trials share the same segment: each distinct one is stroked
// once per bucket at the opacity its n copies would build up, 1 - (1 - a)^n, which saves their
// rasterisation (about a quarter of the lines of a study with two categorical parameters).
// Counters: data-lines, data-axes.
import {chartContainer, createCanvas, emptyNote} from './canvas.js';
import {kAxisColor, kFont, kTextColor, line, scale, ticks} from './axes.js';
import {objectiveColor} from './colors.js';
import {num} from '../format.js';

const kBuckets = 24;
const kMaxDiscreteValues = 64;  // an integer axis with at most this many values counts as discrete
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
  const alpha = rows.length > 2000 ? 0.15 : rows.length > 300 ? 0.4 : 0.8;
  // codes[i](v): the value's index on a discrete axis i (0 .. kMaxDiscreteValues - 1; -1 for a
  // value off the axis' grid); null for a continuous axis.
  const codes = axes.map(discreteCode);
  const merged = axes.map((_, i) => i + 1 < axes.length && codes[i] !== null && codes[i + 1] !== null);
  let drawn = 0;
  for (let b = 0; b < kBuckets; b++) {
    if (buckets[b].length === 0) continue;
    ctx.strokeStyle = objectiveColor((b + 0.5) / kBuckets);
    ctx.globalAlpha = alpha;
    ctx.beginPath();
    const shared = new Map();  // (axis, code, next code) -> {x0, y0, x1, y1, count} in this bucket
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
        if (!merged[i]) continue;
        const code = codes[i](v);
        const next = row[i + 1];
        const nextCode = next === null || next === undefined ? -1 : codes[i + 1](next);
        if (code >= 0 && nextCode >= 0) {
          const key = (i * kMaxDiscreteValues + code) * kMaxDiscreteValues + nextCode;
          const segment = shared.get(key);
          if (segment) segment.count++;
          else shared.set(key, {x0: xs[i], y0: y, x1: xs[i + 1], y1: toY(norms[i + 1](next)), count: 1});
          penDown = false;
        }
      }
      drawn++;
    }
    ctx.stroke();
    strokeShared(ctx, shared.values(), alpha);
  }
  ctx.globalAlpha = 1;
  axes.forEach((dim, i) => drawAxis(ctx, dim, xs[i], plotTop, plotBottom, norms[i], i === axes.length - 1));
  el.dataset.lines = String(drawn);
  el.dataset.axes = String(axes.length);
}

// The code function of a discrete axis (categorical, or integer with at most kMaxDiscreteValues
// values), or null.
function discreteCode(dim) {
  const grid = (count, offset) => (v) => {
    const code = v - offset;
    return Number.isInteger(code) && code >= 0 && code < count ? code : -1;
  };
  if (dim.type === 'CATEGORICAL') {
    const count = (dim.categories || []).length;
    return count <= kMaxDiscreteValues ? grid(count, 0) : null;
  }
  if (dim.type === 'INTEGER' && Number.isInteger(dim.min) && dim.max - dim.min < kMaxDiscreteValues) {
    return grid(dim.max - dim.min + 1, dim.min);
  }
  return null;
}

// Strokes each shared segment once, grouped by how many rows share it, at the opacity that many
// overlapping strokes of opacity `alpha` build up.
function strokeShared(ctx, segments, alpha) {
  const byCount = new Map();
  for (const segment of segments) {
    if (!byCount.has(segment.count)) byCount.set(segment.count, []);
    byCount.get(segment.count).push(segment);
  }
  for (const [count, group] of byCount) {
    ctx.globalAlpha = 1 - (1 - alpha) ** count;
    ctx.beginPath();
    for (const {x0, y0, x1, y1} of group) {
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
    }
    ctx.stroke();
  }
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
