// Turns the section results into comparison rows: jwtlib's figure, the peer's figure
// measured in the same run, their ratio, and the target the ratio is held to.

const KIB = 1024;

/**
 * Builds a comparison row. `better` is the direction of the jwtlib/peer ratio that
 * favors jwtlib. `target` is `{ min }` or `{ max }` on the ratio, or `{ maxValue }` on
 * jwtlib's own figure when the goal is absolute. Rows without a target give context.
 */
function row(section, metric, unit, better, jwtlib, peer, peerValue, target) {
  const ratio = peerValue === undefined || peerValue === null ? null : jwtlib / peerValue;
  let met = null;
  if (target?.min !== undefined) met = ratio >= target.min;
  if (target?.max !== undefined) met = target.strict ? ratio < target.max : ratio <= target.max;
  if (target?.maxValue !== undefined) met = jwtlib <= target.maxValue;
  return { section, metric, unit, better, jwtlib, peer, peerValue, ratio, target: target ?? null, met, detail: '' };
}

function tokenRows(tokens) {
  const rows = [];
  const ops = (group, name) => group[name].opsPerSecond;
  const micros = (group, name) => group[name].microsecondsPerOp;
  rows.push(row('tokens', 'HS256 verify', 'ops/s', 'higher', ops(tokens.hs256.verify, 'jwtlib'), 'jose', ops(tokens.hs256.verify, 'jose'), { min: 2 }));
  rows.push(row('tokens', 'HS256 verify', 'ops/s', 'higher', ops(tokens.hs256.verify, 'jwtlib'), 'tsndr', ops(tokens.hs256.verify, 'tsndr')));
  rows.push(row('tokens', 'HS256 sign (issueToken)', 'ops/s', 'higher', ops(tokens.hs256.sign, 'jwtlib'), 'jose', ops(tokens.hs256.sign, 'jose')));
  rows.push(row('tokens', 'HS256 sign (issueToken)', 'ops/s', 'higher', ops(tokens.hs256.sign, 'jwtlib'), 'tsndr', ops(tokens.hs256.sign, 'tsndr')));
  rows.push(row('tokens', 'EdDSA verify time', 'µs', 'lower', micros(tokens.eddsa.verify, 'jwtlib'), 'jose', micros(tokens.eddsa.verify, 'jose'), { max: 1.5 }));
  rows.push(row('tokens', 'EdDSA sign time (issueToken)', 'µs', 'lower', micros(tokens.eddsa.sign, 'jwtlib'), 'jose', micros(tokens.eddsa.sign, 'jose')));
  rows.push(row('tokens', 'ES256 verify time', 'µs', 'lower', micros(tokens.es256.verify, 'jwtlib'), 'jose', micros(tokens.es256.verify, 'jose')));
  rows.push(row('tokens', 'ES256 sign time (issueToken)', 'µs', 'lower', micros(tokens.es256.sign, 'jwtlib'), 'jose', micros(tokens.es256.sign, 'jose')));
  return rows;
}

function argon2Rows(argon2) {
  const rows = [];
  for (const operation of ['hash', 'verify']) {
    const group = argon2[operation];
    const ours = group.jwtlib.medianMs;
    rows.push(row('argon2', `Argon2id ${operation} time`, 'ms', 'lower', ours, 'hash-wasm', group['hash-wasm'].medianMs, { max: 1, strict: true }));
    rows.push(row('argon2', `Argon2id ${operation} time`, 'ms', 'lower', ours, '@node-rs/argon2', group['@node-rs/argon2'].medianMs, { max: 2.5 }));
  }
  return rows;
}

/**
 * Compares login with an unknown user against login with a wrong password: equal work
 * means a ratio of medians near 1, so the response time tells an attacker nothing.
 */
function loginTimingRows(timing) {
  const ratio = timing.ratioOfMedians;
  return [{
    section: 'login timing',
    metric: 'unknown user',
    unit: 'ms',
    better: 'equal',
    jwtlib: timing.unknownUser.medianMs,
    peer: 'wrong password',
    peerValue: timing.wrongPassword.medianMs,
    ratio,
    target: { min: 0.9, max: 1.1 },
    met: ratio >= 0.9 && ratio <= 1.1,
    detail: `medians over ${timing.unknownUser.samplesMs.length} alternating logins each`,
  }];
}

/** Lists the estimated Argon2 cost of each password preset in workerd, as context. */
function presetRows(presets) {
  return presets.presets.map((preset) => ({
    section: 'presets',
    metric: `${preset.name} hash in workerd (estimate)`,
    unit: 'ms',
    better: 'lower',
    jwtlib: preset.hashMs,
    peer: null,
    peerValue: null,
    ratio: null,
    target: null,
    met: null,
    detail: `m=${preset.memoryKib} KiB, t=${preset.iterations}, p=${preset.parallelism}`,
  }));
}

/** Describes the latency percentiles of jwtlib and the peer, in milliseconds. */
function latencies(ours, theirs, p50, p99) {
  return `p50/p99 ms: jwtlib ${ours[p50]}/${ours[p99]}, peer ${theirs[p50]}/${theirs[p99]}`;
}

function operationRows(operations) {
  return ['login', 'currentUser', 'introspect'].map((name) => {
    const { jwtlib, jose } = operations[name];
    return {
      ...row('operations', name, 'ops/s', 'higher', jwtlib.opsPerSecond, 'jose+hash-wasm', jose.opsPerSecond),
      detail: latencies(jwtlib, jose, 'p50Ms', 'p99Ms'),
    };
  });
}

function workerRows(workerLoad) {
  return Object.entries(workerLoad.results).map(([endpoint, { jwtlib, jose }]) => ({
    ...row('worker', endpoint, 'req/s', 'higher', jwtlib.requestsPerSecond, 'jose Worker', jose.requestsPerSecond,
      endpoint === 'GET /auth/me' ? { min: 1 } : undefined),
    detail: latencies(jwtlib, jose, 'latencyP50Ms', 'latencyP99Ms'),
  }));
}

function sizeRows(size) {
  const kib = (bytes) => Math.round((bytes / KIB) * 10) / 10;
  return [
    row('size', 'npm wasm, gzip', 'KiB', 'lower', kib(size.npm.wasm.gzipBytes), null, null, { maxValue: 250 }),
    row('size', 'npm wasm + JS, gzip', 'KiB', 'lower', kib(size.npm.wasm.gzipBytes + size.npm.js.gzipBytes), 'jose+hash-wasm bundle', kib(size.peers['jose+hash-wasm'].gzipBytes)),
    row('size', 'Worker upload, gzip', 'KiB', 'lower', kib(size.worker.jwtlib.gzipBytes), null, null, { maxValue: 600 }),
    row('size', 'Worker upload, gzip', 'KiB', 'lower', kib(size.worker.jwtlib.gzipBytes), 'jose Worker', kib(size.worker.jose.gzipBytes)),
    row('size', 'Worker upload, gzip', 'KiB', 'lower', kib(size.worker.jwtlib.gzipBytes), 'free plan limit', kib(size.worker.limits.freeBytes)),
  ];
}

function coldStartRows(coldStart) {
  return [
    row('cold start', 'Node: import to first currentUser', 'ms', 'lower', coldStart.node.jwtlib.totalMs, 'jose', coldStart.node.jose.totalMs),
    row('cold start', 'Node: process spawn to exit', 'ms', 'lower', coldStart.node.jwtlib.processMs, 'jose', coldStart.node.jose.processMs),
    row('cold start', 'workerd: start to first GET /auth/me', 'ms', 'lower', coldStart.workerd.jwtlib.totalMs, 'jose Worker', coldStart.workerd.jose.totalMs),
  ];
}

function memoryRows(memory) {
  return ['sequential', 'concurrent'].map((phase) => ({
    section: 'memory',
    metric: phase === 'sequential'
      ? `wasm memory after ${memory.sequential.count} logins in a row`
      : `wasm memory over ${memory.concurrent.batches} batches of ${memory.concurrent.batchSize} concurrent logins`,
    unit: 'MiB',
    better: 'lower',
    jwtlib: memory[phase].maxMiB,
    peer: null,
    peerValue: null,
    ratio: null,
    target: { levelsOff: true },
    met: memory[phase].levelsOff,
    detail: `growth in the second half: ${memory[phase].growthInSecondHalfBytes} bytes`,
  }));
}

const BUILDERS = {
  tokens: tokenRows,
  argon2: argon2Rows,
  loginTiming: loginTimingRows,
  presets: presetRows,
  operations: operationRows,
  workerLoad: workerRows,
  size: sizeRows,
  coldStart: coldStartRows,
  memory: memoryRows,
};

/** Builds the comparison rows of every section that produced a result. */
export function summarize(sections) {
  const rows = [];
  for (const [name, build] of Object.entries(BUILDERS)) {
    const result = sections[name];
    if (result && !result.error) rows.push(...build(result));
  }
  return rows;
}

/** Describes a row's target in words, such as `≥ 2.00x` or `≤ 250 KiB`. */
export function describeTarget(target, unit) {
  if (target === null) return '';
  if (target.min !== undefined && target.max !== undefined) {
    return `${target.min.toFixed(2)}x to ${target.max.toFixed(2)}x`;
  }
  if (target.min !== undefined) return `≥ ${target.min.toFixed(2)}x`;
  if (target.max !== undefined) return `${target.strict ? '<' : '≤'} ${target.max.toFixed(2)}x`;
  if (target.maxValue !== undefined) return `≤ ${target.maxValue} ${unit}`;
  if (target.levelsOff) return 'levels off';
  return '';
}
