// Interleaved timing of competing implementations, so that load from other processes
// on the machine slows every candidate alike instead of whichever ran during a spike.
import { performance } from 'node:perf_hooks';
import { median, round, summarizeLatencies } from './stats.mjs';

/** Calls are timed in chunks of this many so that reading the clock costs little. */
const CHUNK = 8;

async function runFor(fn, durationMs) {
  let operations = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < CHUNK; i++) await fn();
    operations += CHUNK;
    elapsed = performance.now() - start;
  } while (elapsed < durationMs);
  return { operations, elapsed };
}

/**
 * Measures the throughput of each candidate, an async or sync function run back to
 * back. Every round runs each candidate for `sampleMs`, in a rotated order, and the
 * result per candidate is the median over `rounds`.
 *
 * @param {Record<string, () => unknown>} candidates
 * @param {{ rounds: number, sampleMs: number, warmupMs: number }} options
 * @returns {Promise<Record<string, { opsPerSecond: number, microsecondsPerOp: number, roundOpsPerSecond: number[] }>>}
 */
export async function compareThroughput(candidates, { rounds, sampleMs, warmupMs }) {
  const names = Object.keys(candidates);
  for (const name of names) await runFor(candidates[name], warmupMs);

  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const { operations, elapsed } = await runFor(candidates[name], sampleMs);
      samples[name].push((operations * 1000) / elapsed);
    }
  }

  const results = {};
  for (const name of names) {
    const opsPerSecond = median(samples[name]);
    results[name] = {
      opsPerSecond: round(opsPerSecond),
      microsecondsPerOp: round(1e6 / opsPerSecond),
      roundOpsPerSecond: samples[name].map((value) => round(value)),
    };
  }
  return results;
}

/**
 * Times single calls of slow candidates (milliseconds each), alternating between them
 * `rounds` times after `warmup` untimed calls each.
 *
 * @param {Record<string, () => unknown>} candidates
 * @returns {Promise<Record<string, { medianMs: number, minMs: number, samplesMs: number[] }>>}
 */
export async function compareLatency(candidates, { rounds, warmup }) {
  const names = Object.keys(candidates);
  for (const name of names) {
    for (let i = 0; i < warmup; i++) await candidates[name]();
  }
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const start = performance.now();
      await candidates[name]();
      samples[name].push(performance.now() - start);
    }
  }
  const results = {};
  for (const name of names) {
    results[name] = {
      medianMs: round(median(samples[name])),
      minMs: round(Math.min(...samples[name])),
      samplesMs: samples[name].map((value) => round(value)),
    };
  }
  return results;
}

/**
 * Runs each candidate `perRound` times per round, alternating candidates over `rounds`
 * rounds, and reports throughput over all calls with latency percentiles.
 *
 * @param {Record<string, (i: number) => unknown>} candidates
 * @returns {Promise<Record<string, { opsPerSecond: number, count: number, meanMs: number, p50Ms: number, p99Ms: number, maxMs: number }>>}
 */
export async function compareOperations(candidates, { rounds, perRound, warmup }) {
  const names = Object.keys(candidates);
  for (const name of names) {
    for (let i = 0; i < warmup; i++) await candidates[name](i);
  }
  const latencies = Object.fromEntries(names.map((name) => [name, []]));
  const busyMs = Object.fromEntries(names.map((name) => [name, 0]));
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const roundStart = performance.now();
      for (let i = 0; i < perRound; i++) {
        const callStart = performance.now();
        await candidates[name](round * perRound + i);
        latencies[name].push(performance.now() - callStart);
      }
      busyMs[name] += performance.now() - roundStart;
    }
  }
  const results = {};
  for (const name of names) {
    const count = latencies[name].length;
    results[name] = {
      opsPerSecond: round((count * 1000) / busyMs[name]),
      ...summarizeLatencies(latencies[name]),
    };
  }
  return results;
}
