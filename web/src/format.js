// Number, time and state formatting shared by every page.

// Up to 4 significant digits, exponent form for very small/large magnitudes; '–' for null.
export function num(value) {
  if (value === null || value === undefined) return '–';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

// A parameter value: numbers via num(), strings as they are.
export function paramValue(value) {
  if (value === null || value === undefined) return '–';
  return typeof value === 'number' ? num(value) : String(value);
}

// "2026-11-28 03:12:04 UTC" from RFC 3339, '–' for null.
export function time(rfc3339) {
  if (!rfc3339) return '–';
  const date = new Date(rfc3339);
  if (Number.isNaN(date.getTime())) return rfc3339;
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

// "in 4m 10s" / "12s ago" relative to now.
export function relative(rfc3339) {
  if (!rfc3339) return '';
  const seconds = Math.round((new Date(rfc3339).getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  const text = abs >= 3600 ? `${Math.floor(abs / 3600)}h ${Math.floor((abs % 3600) / 60)}m`
      : abs >= 60 ? `${Math.floor(abs / 60)}m ${abs % 60}s` : `${abs}s`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

// Duration between two RFC 3339 times, e.g. "3m 12s".
export function duration(from, to) {
  if (!from || !to) return '';
  const seconds = Math.max(0, Math.round((new Date(to) - new Date(from)) / 1000));
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${seconds}s`;
}

const kTrialStateOrder = ['ACTIVE', 'STOPPING', 'REQUESTED', 'SUCCEEDED', 'PRUNED', 'FAILED', 'INFEASIBLE'];

// [[state, count], ...] in a stable, meaningful order (open states first).
export function statesInOrder(byState) {
  const entries = Object.entries(byState || {}).filter(([, count]) => count > 0);
  const rank = (state) => { const i = kTrialStateOrder.indexOf(state); return i < 0 ? 99 : i; };
  return entries.sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}
