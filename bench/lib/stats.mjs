// Summary statistics for timing samples.

/** Returns the q-quantile (0..1) of `values` by linear interpolation, or null when empty. */
export function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export function median(values) {
  return quantile(values, 0.5);
}

/** Rounds to `digits` significant digits, keeping JSON output readable. */
export function round(value, digits = 4) {
  if (value === null || value === undefined || !Number.isFinite(value)) return value ?? null;
  if (value === 0) return 0;
  return Number(value.toPrecision(digits));
}

/** Summarizes latencies in milliseconds as count, mean, p50, p99 and max. */
export function summarizeLatencies(latenciesMs) {
  const total = latenciesMs.reduce((sum, value) => sum + value, 0);
  return {
    count: latenciesMs.length,
    meanMs: round(total / Math.max(latenciesMs.length, 1)),
    p50Ms: round(quantile(latenciesMs, 0.5)),
    p99Ms: round(quantile(latenciesMs, 0.99)),
    maxMs: round(Math.max(...latenciesMs)),
  };
}
