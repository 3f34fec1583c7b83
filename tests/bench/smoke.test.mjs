// Runs the benchmark in smoke mode (tiny counts, a very short HTTP load) and checks
// that it finishes and writes a complete result. It needs the builds in pkg/ and
// build/, which `npm test` makes first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SECTIONS = ['size', 'tokens', 'argon2', 'loginTiming', 'presets', 'operations', 'memory', 'coldStart', 'workerLoad'];

test('bench smoke run writes every section', { timeout: 180_000 }, (t) => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'jwtlib-bench-smoke-'));
  t.after(() => rmSync(outDir, { recursive: true, force: true }));

  const run = spawnSync(process.execPath, ['bench/run.mjs', '--smoke', '--out', outDir], {
    cwd: root,
    encoding: 'utf8',
    timeout: 170_000,
  });
  assert.equal(run.status, 0, `bench/run.mjs --smoke exited with ${run.status}:\n${run.stderr}`);

  const results = JSON.parse(readFileSync(path.join(outDir, 'latest.json'), 'utf8'));
  assert.equal(results.meta.mode, 'smoke');
  for (const name of SECTIONS) {
    assert.ok(results.sections[name], `section ${name} is missing`);
    assert.equal(results.sections[name].error, undefined, `section ${name} failed: ${results.sections[name].error}`);
  }
  const summarized = new Set(results.summary.map((row) => row.section));
  for (const section of ['tokens', 'argon2', 'login timing', 'operations', 'worker', 'size', 'cold start', 'memory']) {
    assert.ok(summarized.has(section), `the summary has no ${section} rows`);
  }
  for (const row of results.summary) {
    assert.ok(Number.isFinite(row.jwtlib), `${row.section} ${row.metric}: jwtlib figure is not a number`);
  }
  const parity = results.sections.workerLoad.parity;
  assert.ok(parity.length > 0, 'the Worker answers were not compared');
  for (const check of parity.filter((entry) => entry.status === 200)) {
    assert.ok(check.same, `the Workers answer "${check.name}" differently`);
  }

  const svg = readFileSync(path.join(outDir, 'latest.svg'), 'utf8');
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
});
