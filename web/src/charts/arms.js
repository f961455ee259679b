// Bandit arms (canvas): per arm its mean reward as a dot with a [lower, upper] bound whisker on a
// shared reward axis, and its pulls (+ pending) and selection probability as text.
// Counter: data-arms.
import {chartContainer, createCanvas, emptyNote} from './canvas.js';
import {kAxisColor, kFont, kGridColor, kTextColor, line, padded, scale, ticks} from './axes.js';
import {num} from '../format.js';

const kRowHeight = 26;
const kAxisHeight = 24;

export function drawArms(parent, arms) {
  const el = chartContainer('arms');
  parent.append(el);
  const list = arms ? arms.arms || [] : [];
  el.dataset.arms = '0';
  if (list.length === 0) {
    el.append(emptyNote('The bandit has no arm statistics yet.'));
    return;
  }
  const values = list.flatMap((a) => [a.lower_bound, a.mean_reward, a.upper_bound]).filter(Number.isFinite);
  const [lo, hi] = padded(Math.min(...values, 0), Math.max(...values, 0), 0.04);
  const height = list.length * kRowHeight + kAxisHeight + 6;
  const {ctx, width} = createCanvas(el, height);
  ctx.font = kFont;
  const labelWidth = Math.min(260, Math.max(80, ...list.map((a) => ctx.measureText(a.label || `arm ${a.arm}`).width)) + 14);
  const statsWidth = 190;
  const x = scale(lo, hi, labelWidth, width - statsWidth);
  const bottom = list.length * kRowHeight + 4;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  for (const v of ticks(lo, hi, 5)) {
    const px = Math.round(x(v)) + 0.5;
    ctx.strokeStyle = kGridColor;
    line(ctx, px, 2, px, bottom);
    ctx.fillStyle = kTextColor;
    ctx.fillText(num(v), px, bottom + 5);
  }
  ctx.strokeStyle = kAxisColor;
  line(ctx, labelWidth, bottom + 0.5, width - statsWidth, bottom + 0.5);
  const maxProbability = Math.max(...list.map((a) => a.selection_probability || 0));
  list.forEach((arm, i) => {
    const y = 4 + i * kRowHeight + kRowHeight / 2;
    const favoured = maxProbability > 0 && arm.selection_probability === maxProbability;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    ctx.fillStyle = kTextColor;
    ctx.font = favoured ? `bold ${kFont}` : kFont;
    ctx.fillText(arm.label || `arm ${arm.arm}`, labelWidth - 10, y);
    ctx.font = kFont;
    const color = favoured ? '#2b6cb0' : '#5f6b78';
    if (Number.isFinite(arm.lower_bound) && Number.isFinite(arm.upper_bound)) {
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      line(ctx, x(arm.lower_bound), y, x(arm.upper_bound), y);
      line(ctx, x(arm.lower_bound), y - 5, x(arm.lower_bound), y + 5);
      line(ctx, x(arm.upper_bound), y - 5, x(arm.upper_bound), y + 5);
      ctx.lineWidth = 1;
    }
    if (Number.isFinite(arm.mean_reward)) {
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(x(arm.mean_reward), y, 4.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.textAlign = 'left';
    ctx.fillStyle = kTextColor;
    const pending = arm.pending ? ` (+${arm.pending} pending)` : '';
    const probability = Number.isFinite(arm.selection_probability)
        ? ` · p=${num(arm.selection_probability)}` : '';
    ctx.fillText(`${arm.pulls} pulls${pending}${probability}`, width - statsWidth + 12, y);
  });
  el.dataset.arms = String(list.length);
}
