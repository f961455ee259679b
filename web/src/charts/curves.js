// Learning curves (canvas): every trial's downsampled curve in one pass, grouped by colour
// (completed, stopped by the scheduler, still running) with one path per group; the best trial in
// bold; a dashed vertical line at each rung step; an x where the scheduler stopped a trial.
// Hovering highlights the nearest curve and names its trial; a click opens that trial.
// Counters: data-lines (curves drawn), data-stopped (stop markers), data-rungs (rung lines).
import {chartContainer, createCanvas, emptyNote, legend} from './canvas.js';
import {drawXYAxes, padded, scale} from './axes.js';
import {num} from '../format.js';
import {kBestColor, kCompletedCurveColor, kRunningCurveColor, kStoppedColor} from './colors.js';

const kHeight = 340;
const kRungColor = '#8896a5';
const kOpenStates = new Set(['ACTIVE', 'STOPPING', 'REQUESTED']);

export function drawCurves(parent, curves, study) {
  const el = chartContainer('curves');
  parent.append(el);
  const trials = (curves ? curves.trials || [] : []).filter((t) => t.steps && t.steps.length > 0);
  el.dataset.lines = '0';
  el.dataset.stopped = '0';
  el.dataset.rungs = '0';
  if (trials.length === 0) {
    el.append(emptyNote('No trial has reported a measurement yet.'));
    return;
  }
  let minY = Infinity;
  let maxY = -Infinity;
  let maxStep = curves.max_step || 0;
  for (const t of trials) {
    for (const v of t.values) {
      if (v === null) continue;
      if (v < minY) minY = v;
      if (v > maxY) maxY = v;
    }
    maxStep = Math.max(maxStep, t.steps[t.steps.length - 1]);
  }
  const {ctx, width} = createCanvas(el, kHeight);
  const box = {left: 62, top: 12, right: width - 16, bottom: kHeight - 38};
  const x = scale(0, Math.max(1, maxStep), box.left, box.right);
  const [lo, hi] = padded(minY, maxY);
  const y = scale(lo, hi, box.bottom, box.top);
  drawXYAxes(ctx, box, x, y, 'step', study.metric || 'value');

  const rungSteps = [...new Set((curves.rungs || []).map((r) => r.step))]
      .filter((s) => s >= 0 && s <= maxStep).sort((a, b) => a - b);
  drawRungLines(ctx, box, x, rungSteps);

  const groups = {completed: [], stopped: [], running: []};
  let best = null;
  for (const t of trials) {
    if (t.number === study.best_trial) best = t;
    if (t.stopped_at_step !== null && t.stopped_at_step !== undefined) groups.stopped.push(t);
    else if (kOpenStates.has(t.state)) groups.running.push(t);
    else groups.completed.push(t);
  }
  const many = trials.length > 1000;
  const alpha = many ? 0.18 : trials.length > 200 ? 0.35 : 0.75;
  const width_ = many ? 1 : 1.2;  // sub-pixel widths raster slower
  strokeGroup(ctx, groups.completed, x, y, kCompletedCurveColor, alpha, width_);
  strokeGroup(ctx, groups.stopped, x, y, kStoppedColor, alpha, width_);
  strokeGroup(ctx, groups.running, x, y, kRunningCurveColor, Math.max(alpha, 0.7), width_ + 0.4);
  if (best) strokeGroup(ctx, [best], x, y, kBestColor, 1, 2.2);
  const stoppedMarkers = drawStopMarkers(ctx, groups.stopped, x, y);

  attachHover(el, ctx.canvas, trials, x, y, box, study);
  // The legend names only what the chart shows.
  el.append(legend([
    groups.completed.length > 0 ? {label: 'completed', color: kCompletedCurveColor} : null,
    groups.stopped.length > 0 ? {label: 'stopped by the scheduler', color: kStoppedColor} : null,
    stoppedMarkers > 0 ? {label: 'stop step', color: kStoppedColor, marker: '×'} : null,
    groups.running.length > 0 ? {label: 'running', color: kRunningCurveColor} : null,
    best ? {label: `best trial #${best.number}`, color: kBestColor} : null,
    rungSteps.length > 0 ? {label: 'rung step', color: kRungColor, dash: true} : null,
  ].filter((item) => item !== null)));
  if (curves.downsampled) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = 'Curves are thinned to at most 200 points each (first, last and rung steps kept).';
    el.append(note);
  }
  el.dataset.lines = String(trials.length);
  el.dataset.stopped = String(stoppedMarkers);
  el.dataset.rungs = String(rungSteps.length);
}

function drawRungLines(ctx, box, x, steps) {
  ctx.save();
  ctx.strokeStyle = kRungColor;
  ctx.fillStyle = kRungColor;
  ctx.setLineDash([4, 4]);
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  for (const step of steps) {
    const px = Math.round(x(step)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, box.top);
    ctx.lineTo(px, box.bottom);
    ctx.stroke();
    ctx.fillText(String(step), px + 3, box.top + 1);
  }
  ctx.restore();
}

function strokeGroup(ctx, trials, x, y, color, alpha, lineWidth) {
  if (trials.length === 0) return;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.globalAlpha = alpha;
  ctx.lineWidth = lineWidth;
  ctx.beginPath();
  const dots = [];
  for (const t of trials) {
    let penDown = false;
    let segmentPoints = 0;
    for (let i = 0; i < t.steps.length; i++) {
      const v = t.values[i];
      if (v === null) {
        penDown = false;
        continue;
      }
      const px = x(t.steps[i]);
      const py = y(v);
      if (penDown) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      penDown = true;
      segmentPoints++;
    }
    if (segmentPoints === 1) dots.push(t);  // a single report: a dot, not an invisible line
  }
  ctx.stroke();
  for (const t of dots) {
    const i = t.values.findIndex((v) => v !== null);
    ctx.beginPath();
    ctx.arc(x(t.steps[i]), y(t.values[i]), 2, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.restore();
}

// An x at (stopped_at_step, the curve's value there or just before); returns how many were drawn.
// The strokes are 1 px wide: the canvas draws those as hairlines, while wider ones go through its
// general stroker, which made 4,400 markers cost ~50 ms of rasterisation.
function drawStopMarkers(ctx, trials, x, y) {
  ctx.save();
  ctx.strokeStyle = '#b4530f';
  ctx.lineWidth = 1;
  const r = 4;
  let drawn = 0;
  ctx.beginPath();
  for (const t of trials) {
    let index = -1;
    for (let i = 0; i < t.steps.length; i++) {
      if (t.values[i] !== null && t.steps[i] <= t.stopped_at_step) index = i;
    }
    if (index < 0) index = t.values.findLastIndex((v) => v !== null);
    if (index < 0) continue;
    const px = x(t.stopped_at_step);
    const py = y(t.values[index]);
    ctx.moveTo(px - r, py - r);
    ctx.lineTo(px + r, py + r);
    ctx.moveTo(px - r, py + r);
    ctx.lineTo(px + r, py - r);
    drawn++;
  }
  ctx.stroke();
  ctx.restore();
  return drawn;
}

// Hover: the curve point nearest the pointer (within 12 px) is found by a linear scan (200,000
// points take about a millisecond), its curve redrawn on an overlay canvas and named in a tooltip.
function attachHover(el, base, trials, x, y, box, study) {
  const overlay = document.createElement('canvas');
  overlay.className = 'overlay';
  overlay.width = base.width;
  overlay.height = base.height;
  overlay.style.width = base.style.width;
  overlay.style.height = base.style.height;
  const tip = document.createElement('div');
  tip.className = 'tooltip';
  tip.hidden = true;
  el.append(overlay, tip);
  const ctx = overlay.getContext('2d');
  const ratio = base.width / parseFloat(base.style.width);
  ctx.scale(ratio, ratio);
  let current = null;
  let pending = false;
  let pointer = null;

  const nearest = (px, py) => {
    let best = null;
    let bestDistance = 144;  // 12 px squared
    for (const t of trials) {
      for (let i = 0; i < t.steps.length; i++) {
        const v = t.values[i];
        if (v === null) continue;
        const dx = x(t.steps[i]) - px;
        const dy = y(v) - py;
        const d = dx * dx + dy * dy;
        if (d < bestDistance) {
          bestDistance = d;
          best = {trial: t, index: i};
        }
      }
    }
    return best;
  };
  const update = () => {
    pending = false;
    const hit = pointer && pointer.x >= box.left && pointer.x <= box.right ? nearest(pointer.x, pointer.y) : null;
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    current = hit;
    el.classList.toggle('pointing', Boolean(hit));
    if (!hit) {
      tip.hidden = true;
      return;
    }
    const t = hit.trial;
    ctx.strokeStyle = '#111827';
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    let penDown = false;
    for (let i = 0; i < t.steps.length; i++) {
      if (t.values[i] === null) {
        penDown = false;
        continue;
      }
      if (penDown) ctx.lineTo(x(t.steps[i]), y(t.values[i]));
      else ctx.moveTo(x(t.steps[i]), y(t.values[i]));
      penDown = true;
    }
    ctx.stroke();
    ctx.fillStyle = '#111827';
    ctx.beginPath();
    ctx.arc(x(t.steps[hit.index]), y(t.values[hit.index]), 4, 0, 2 * Math.PI);
    ctx.fill();
    const stopped = t.stopped_at_step !== null && t.stopped_at_step !== undefined ? ` · stopped at step ${t.stopped_at_step}` : '';
    tip.textContent = `trial #${t.number} (${t.state.toLowerCase()}) · step ${t.steps[hit.index]}: ${num(t.values[hit.index])}${stopped}`;
    tip.hidden = false;
    const left = Math.min(pointer.x + 14, parseFloat(base.style.width) - tip.offsetWidth - 4);
    tip.style.left = `${Math.max(0, left)}px`;
    tip.style.top = `${Math.max(0, pointer.y - 34)}px`;
  };
  overlay.addEventListener('mousemove', (event) => {
    const rect = overlay.getBoundingClientRect();
    pointer = {x: event.clientX - rect.left, y: event.clientY - rect.top};
    if (!pending) {
      pending = true;
      requestAnimationFrame(update);
    }
  });
  overlay.addEventListener('mouseleave', () => {
    pointer = null;
    if (!pending) {
      pending = true;
      requestAnimationFrame(update);
    }
  });
  overlay.addEventListener('click', () => {
    if (current) location.hash = `#/studies/${encodeURIComponent(study.id)}/trials/${current.trial.number}`;
  });
}

