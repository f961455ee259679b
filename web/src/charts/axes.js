// Scales, "nice" ticks and axis drawing for the hand-drawn canvas charts (the ones uPlot does not
// fit): parallel coordinates, learning curves, importance bars and bandit arms.
import {num} from '../format.js';

export const kAxisColor = '#9aa3ad';
export const kGridColor = '#eceff2';
export const kTextColor = '#4a5560';
export const kFont = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

// Maps [min, max] linearly (or logarithmically for positive ranges with log=true) onto [from, to].
export function scale(min, max, from, to, log = false) {
  const useLog = log && min > 0 && max > 0;
  const f = useLog ? Math.log10 : (v) => v;
  let lo = f(min);
  let hi = f(max);
  if (!(hi > lo)) {  // a single value (or bad input): centre it
    lo -= 1;
    hi += 1;
  }
  const k = (to - from) / (hi - lo);
  const map = (v) => from + (f(v) - lo) * k;
  map.log = useLog;
  map.domain = [min, max];
  return map;
}

// About `count` round tick values covering [min, max] (1/2/5 x 10^k steps; decades for log).
export function ticks(min, max, count = 5, log = false) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (log && min > 0 && max > 0) {
    const out = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
      const v = 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
    }
    if (out.length >= 2) return out;
  }
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return out;
}

// Pads [min, max] by `fraction` of its span (or ±1 around a single value).
export function padded(min, max, fraction = 0.05) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max === min) return [min - (Math.abs(min) || 1) * 0.1, max + (Math.abs(max) || 1) * 0.1];
  const pad = (max - min) * fraction;
  return [min - pad, max + pad];
}

// Draws a left y axis and a bottom x axis with grid lines and tick labels for the plot rectangle
// `box` = {left, top, right, bottom}. x/y are scale() functions.
export function drawXYAxes(ctx, box, x, y, xLabel, yLabel) {
  ctx.save();
  ctx.font = kFont;
  ctx.lineWidth = 1;
  ctx.fillStyle = kTextColor;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of ticks(y.domain[0], y.domain[1], 5, y.log)) {
    const py = Math.round(y(v)) + 0.5;
    ctx.strokeStyle = kGridColor;
    line(ctx, box.left, py, box.right, py);
    ctx.fillText(num(v), box.left - 6, py);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of ticks(x.domain[0], x.domain[1], Math.max(2, Math.floor((box.right - box.left) / 80)), x.log)) {
    const px = Math.round(x(v)) + 0.5;
    ctx.strokeStyle = kGridColor;
    line(ctx, px, box.top, px, box.bottom);
    ctx.fillText(num(v), px, box.bottom + 6);
  }
  ctx.strokeStyle = kAxisColor;
  line(ctx, box.left + 0.5, box.top, box.left + 0.5, box.bottom + 0.5);
  line(ctx, box.left, box.bottom + 0.5, box.right, box.bottom + 0.5);
  if (xLabel) {
    ctx.textBaseline = 'bottom';
    ctx.fillText(xLabel, (box.left + box.right) / 2, ctx.canvas.height / (window.devicePixelRatio || 1) - 2);
  }
  if (yLabel) {
    ctx.translate(12, (box.top + box.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(yLabel, 0, 0);
  }
  ctx.restore();
}

export function line(ctx, x0, y0, x1, y1) {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}
