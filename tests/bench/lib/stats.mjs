// Order statistics for the benchmark report: median, percentiles (nearest rank), spread.

/** The p-th percentile (0–100) of `values` by linear interpolation; NaN when empty. */
export function percentile(values, p) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (xs.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return xs[lo] + (xs[hi] - xs[lo]) * (rank - lo);
}

/** {n, median, p5, p95, min, max} of `values`. */
export function summary(values) {
  const xs = values.filter((v) => Number.isFinite(v));
  return {
    n: xs.length,
    median: percentile(xs, 50),
    p5: percentile(xs, 5),
    p95: percentile(xs, 95),
    min: xs.length ? Math.min(...xs) : NaN,
    max: xs.length ? Math.max(...xs) : NaN,
  };
}

/** A number with `digits` decimals, or "n/a". */
export function fmt(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** "median (p5–p95)" with `digits` decimals. */
export function spread(s, digits = 1) {
  return `${fmt(s.median, digits)} (p5 ${fmt(s.p5, digits)} – p95 ${fmt(s.p95, digits)}, n=${s.n})`;
}

/** "met" / "missed" for `value <= target` (n/a when not measured). */
export function verdict(value, target) {
  if (!Number.isFinite(value)) return 'not measured';
  return value <= target ? 'met' : 'missed';
}
