// Parameter importance (canvas): one horizontal bar per parameter, largest first, with its share.
// The method and the number of trials used are shown above; when the server computed none, its
// reason. Counter: data-bars.
import {chartContainer, createCanvas, emptyNote} from './canvas.js';
import {kFont, kTextColor} from './axes.js';

const kRowHeight = 24;

export function drawImportance(parent, importance, reason) {
  const el = chartContainer('importance');
  parent.append(el);
  el.dataset.bars = '0';
  if (!importance || !importance.params || importance.params.length === 0) {
    el.append(emptyNote(reason ? `Not computed: ${reason}.` : 'Not computed for this study.'));
    return;
  }
  const method = document.createElement('p');
  method.className = 'note';
  method.textContent = `${importance.method} · ${importance.trials_used} trials used`;
  el.append(method);
  const params = [...importance.params].sort((a, b) => b.importance - a.importance);
  const {ctx, width} = createCanvas(el, params.length * kRowHeight + 8);
  ctx.font = kFont;
  const labelWidth = Math.min(200, Math.max(60, ...params.map((p) => ctx.measureText(p.name).width)) + 12);
  const barMax = Math.max(40, width - labelWidth - 60);
  const largest = Math.max(1e-12, ...params.map((p) => p.importance || 0));
  params.forEach((p, i) => {
    const y = 4 + i * kRowHeight;
    const value = Math.max(0, p.importance || 0);
    ctx.fillStyle = kTextColor;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(p.name, labelWidth - 8, y + kRowHeight / 2);
    ctx.fillStyle = '#edf1f5';
    ctx.fillRect(labelWidth, y + 4, barMax, kRowHeight - 8);
    ctx.fillStyle = '#3b6ea5';
    ctx.fillRect(labelWidth, y + 4, Math.max(1, (value / largest) * barMax), kRowHeight - 8);
    ctx.fillStyle = kTextColor;
    ctx.textAlign = 'left';
    ctx.fillText(`${(value * 100).toFixed(1)}%`, labelWidth + barMax + 6, y + kRowHeight / 2);
  });
  el.dataset.bars = String(params.length);
}
