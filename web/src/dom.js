// Tiny DOM helpers: build elements without innerHTML (no escaping bugs, no injection from data).

// h('a', {href: '#/', class: 'x', dataset: {id: 'a'}}, 'text', child, [more children])
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key === 'style') el.style.cssText = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

// A titled page section; `note` is a short grey line under the title.
export function section(title, note, ...body) {
  return h('section', {class: 'card'},
      h('h2', null, title), note ? h('p', {class: 'note'}, note) : null, ...body);
}

// A key/value summary list: [['State', 'ACTIVE'], ...]; rows whose value is empty are skipped.
export function facts(pairs) {
  const dl = h('dl', {class: 'facts'});
  for (const [key, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    dl.append(h('div', null, h('dt', null, key), h('dd', null, value)));
  }
  return dl;
}
