// The load generator of the HTTP section, run by worker-load.mjs in its own process:
// bounded autocannon runs, one after the other, against loopback URLs only. Prints one
// JSON array with a result per run on stdout.
// Usage: node bench/load-client.mjs '<JSON array of runs>'
// A run is { url, method, headers, body, connections } plus either `amount` (stop after
// that many requests) or `duration` in seconds with `maxOverallRequests`.
import autocannon from 'autocannon';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

async function load(run) {
  const { hostname } = new URL(run.url);
  if (!LOOPBACK_HOSTS.has(hostname)) {
    throw new Error(`refusing to load ${hostname}: only loopback addresses are allowed`);
  }
  const bound = run.amount
    ? { amount: run.amount }
    : { duration: run.duration, maxOverallRequests: run.maxOverallRequests };
  const result = await autocannon({
    url: run.url,
    method: run.method,
    headers: run.headers,
    body: run.body,
    connections: run.connections,
    timeout: 10,
    ...bound,
  });
  return {
    requests: result.requests.total,
    durationSeconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

const runs = JSON.parse(process.argv[2] ?? '[]');
const results = [];
for (const run of runs) results.push(await load(run));
process.stdout.write(`${JSON.stringify(results)}\n`);
