// Runs every benchmark section in its own Node process, prints a table of jwtlib's
// figures against its peers, and writes latest.json and latest.svg.
//
// Usage: node bench/run.mjs [--smoke] [--out DIR] [--only section,section]
//   --smoke  tiny counts and a very short HTTP load: checks that everything runs, in
//            seconds; its figures mean nothing.
//   --out    folder for latest.json and latest.svg. Default: bench/results, or
//            bench/results/tmp/smoke with --smoke.
//   --only   runs only the named sections (tokens, argon2, operations, memory,
//            loginTiming, presets, coldStart, workerLoad, size).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildJoseWorker } from './lib/bundle.mjs';
import { benchDir, checkBuilds, ensureDir, root, scratchDir } from './lib/paths.mjs';
import { renderSvg, renderTable } from './lib/report.mjs';
import { summarize } from './lib/summary.mjs';

/** Section name → script, in the order they run: quiet, CPU-bound work first. */
const SECTIONS = {
  size: 'size.mjs',
  tokens: 'tokens.mjs',
  argon2: 'argon2.mjs',
  loginTiming: 'login-timing.mjs',
  presets: 'presets.mjs',
  operations: 'operations.mjs',
  memory: 'memory.mjs',
  coldStart: 'cold-start.mjs',
  workerLoad: 'worker-load.mjs',
};

const PEER_PACKAGES = ['jose', '@tsndr/cloudflare-worker-jwt', 'hash-wasm', '@node-rs/argon2', 'autocannon', 'miniflare', 'workerd'];

const { values: options } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});
const smoke = options.smoke;
const outDir = path.resolve(options.out ?? (smoke ? path.join(scratchDir, 'smoke') : path.join(benchDir, 'results')));
const selected = options.only ? options.only.split(',').map((name) => name.trim()) : Object.keys(SECTIONS);
const unknown = selected.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  console.error(`unknown section ${unknown.join(', ')}; expected one of ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}

/** Upper bound on one section's run time, after which its process is killed. */
const SECTION_TIMEOUT_MS = smoke ? 120_000 : 600_000;

function runSection(name, jsonFile) {
  const args = [path.join(benchDir, SECTIONS[name]), '--json', jsonFile, ...(smoke ? ['--smoke'] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => {
      console.error(`${name}: no result after ${SECTION_TIMEOUT_MS / 1000} s; stopping it`);
      child.kill('SIGKILL');
    }, SECTION_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? null : `exited with ${signal ?? `code ${code}`}`);
    });
  });
}

function gitDescription() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'js', 'Cargo.toml', 'Cargo.lock'], { cwd: root, encoding: 'utf8' }).trim();
    return { commit, sourcesModified: dirty !== '' };
  } catch {
    return { commit: null, sourcesModified: null };
  }
}

function packageVersions() {
  const versions = {};
  for (const name of PEER_PACKAGES) {
    try {
      versions[name] = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      versions[name] = null;
    }
  }
  return versions;
}

async function main() {
  const started = performance.now();
  const warnings = checkBuilds();
  for (const warning of warnings) console.error(`warning: ${warning}`);
  // Built once here so that a bundling error shows before any section starts.
  buildJoseWorker();

  const meta = {
    date: new Date().toISOString(),
    mode: smoke ? 'smoke' : 'full',
    ...gitDescription(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
    packages: packageVersions(),
    warnings,
  };

  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'jwtlib-bench-'));
  const sections = {};
  const sectionSeconds = {};
  const failures = [];
  try {
    for (const name of selected) {
      console.error(`==> ${name}`);
      const jsonFile = path.join(tempDir, `${name}.json`);
      const sectionStart = performance.now();
      const error = await runSection(name, jsonFile);
      sectionSeconds[name] = Math.round((performance.now() - sectionStart) / 100) / 10;
      if (error) {
        failures.push(`${name} ${error}`);
        sections[name] = { error };
      } else {
        sections[name] = JSON.parse(readFileSync(jsonFile, 'utf8'));
      }
    }
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }

  meta.loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
  meta.durationSeconds = Math.round((performance.now() - started) / 100) / 10;
  meta.sectionSeconds = sectionSeconds;
  const rows = summarize(sections);
  const results = { meta, summary: rows, sections };

  ensureDir(outDir);
  writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const subtitle = `${meta.date.slice(0, 16).replace('T', ' ')} UTC, commit ${meta.commit}${meta.sourcesModified ? ' (modified)' : ''}, ${meta.mode} run, Node ${meta.node}, ${meta.cores} cores (${meta.cpu}), load average ${meta.loadAverageAtStart[0]} at start`;
  writeFileSync(path.join(outDir, 'latest.svg'), renderSvg(rows, { subtitle }));

  console.log();
  console.log(renderTable(rows));
  console.log();
  console.log(`Wrote ${path.relative(root, path.join(outDir, 'latest.json'))} and latest.svg in ${meta.durationSeconds} s.`);
  if (failures.length > 0) {
    console.error(`Failed sections: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
}

await main();
