// Hyperband / successive-halving brackets: a small table, one row per bracket, with the number of
// trials that reached each rung as a figure over a bar scaled to the bracket's trials.
// Counter: data-brackets.
import {chartContainer} from './canvas.js';
import {h} from '../dom.js';

export function drawBrackets(parent, brackets) {
  const el = chartContainer('brackets');
  parent.append(el);
  const list = brackets || [];
  el.dataset.brackets = String(list.length);
  const rungCount = Math.max(0, ...list.map((b) => (b.rung_steps || []).length));
  const head = h('tr', null, h('th', null, 'Bracket'), h('th', {class: 'num'}, 'Trials'),
      h('th', {class: 'num'}, 'Active'), h('th', {class: 'num'}, 'Stopped'), h('th', {class: 'num'}, 'Completed'),
      Array.from({length: rungCount}, (_, k) => h('th', {class: 'rung'}, `Rung ${k}`)));
  const body = h('tbody', null, list.map((b) => h('tr', {dataset: {bracket: b.bracket}},
      h('td', null, String(b.bracket)), h('td', {class: 'num'}, b.trials), h('td', {class: 'num'}, b.active),
      h('td', {class: 'num'}, b.stopped), h('td', {class: 'num'}, b.completed),
      Array.from({length: rungCount}, (_, k) => rungCell(b, k)))));
  el.append(h('table', {class: 'data brackets'}, h('thead', null, head), body));
}

function rungCell(bracket, k) {
  const steps = bracket.rung_steps || [];
  if (k >= steps.length) return h('td', {class: 'rung'});
  const reached = (bracket.reached || [])[k] ?? 0;
  const share = bracket.trials > 0 ? Math.min(1, reached / bracket.trials) : 0;
  return h('td', {class: 'rung', title: `${reached} of ${bracket.trials} trials reached step ${steps[k]}`},
      h('div', {class: 'rung-label'}, h('b', null, reached), h('span', null, ` @ step ${steps[k]}`)),
      h('div', {class: 'rung-bar'}, h('span', {style: `width:${(share * 100).toFixed(1)}%`})));
}
