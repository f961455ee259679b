// Colours: trial states and a sequential colour map for objective values (better = darker blue).

export const kStateColors = {
  SUCCEEDED: '#2f7d4f',
  PRUNED: '#d9822b',
  FAILED: '#c23b3b',
  INFEASIBLE: '#8a5a9e',
  ACTIVE: '#2b6cb0',
  STOPPING: '#b7791f',
  REQUESTED: '#718096',
};

export const kBestColor = '#1a202c';
export const kStoppedColor = '#d9822b';
export const kCompletedCurveColor = '#5a7fa8';
export const kRunningCurveColor = '#2b9c8f';

// Viridis-like stops from "worst" (light yellow-green) to "best" (deep blue-purple).
const kStops = [[253, 231, 37], [94, 201, 98], [33, 145, 140], [59, 82, 139], [68, 1, 84]];

// t in [0, 1] (1 = best) -> "rgb(r,g,b)".
export function objectiveColor(t) {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const position = clamped * (kStops.length - 1);
  const i = Math.min(kStops.length - 2, Math.floor(position));
  const f = position - i;
  const c = kStops[i].map((v, k) => Math.round(v + (kStops[i + 1][k] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export function stateColor(state) {
  return kStateColors[state] || '#718096';
}
