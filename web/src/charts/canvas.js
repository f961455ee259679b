// A canvas sized to its container in CSS pixels and backed at devicePixelRatio, so lines stay
// crisp on high-density screens. Drawing code works in CSS pixels.

export function createCanvas(container, height) {
  const width = Math.max(200, Math.floor(container.clientWidth || 600));
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  container.append(canvas);
  return {canvas, ctx, width, height};
}

// The chart's outer element: <div class="chart" data-chart="name">, counters set by the caller.
export function chartContainer(name) {
  const el = document.createElement('div');
  el.className = 'chart';
  el.dataset.chart = name;
  return el;
}

// A one-line legend: [{label, color, dash?, marker?}].
export function legend(items) {
  const el = document.createElement('div');
  el.className = 'legend';
  for (const item of items) {
    const swatch = document.createElement('span');
    swatch.className = item.marker ? 'swatch marker' : item.dash ? 'swatch dash' : 'swatch';
    if (item.marker) {
      swatch.textContent = item.marker;
      swatch.style.color = item.color;
    } else {
      swatch.style.borderColor = item.color;
    }
    const entry = document.createElement('span');
    entry.className = 'entry';
    entry.append(swatch, item.label);
    el.append(entry);
  }
  return el;
}

// A grey line saying why a chart has nothing to draw.
export function emptyNote(text) {
  const p = document.createElement('p');
  p.className = 'empty';
  p.textContent = text;
  return p;
}
