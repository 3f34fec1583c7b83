// Bundling with the project's esbuild, for the jose Worker and for the size comparison.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureDir, root, scratchDir, benchDir } from './paths.mjs';

function esbuildBinary() {
  const binary = path.join(root, 'node_modules', '.bin', 'esbuild');
  if (!existsSync(binary)) throw new Error('esbuild not found in node_modules; run `npm ci` first');
  return binary;
}

/**
 * Bundles `source` (ES module text, resolved from the project root) into `outfile`,
 * minified, for a browser-like runtime such as workerd.
 */
export function bundle(source, outfile, extraArgs = []) {
  ensureDir(path.dirname(outfile));
  execFileSync(
    esbuildBinary(),
    [
      '--bundle',
      '--minify',
      '--format=esm',
      '--platform=browser',
      '--target=es2022',
      '--log-level=warning',
      `--outfile=${outfile}`,
      ...extraArgs,
    ],
    { cwd: root, input: source, stdio: ['pipe', 'inherit', 'inherit'] },
  );
  return outfile;
}

/** Bundles the jose Worker into the scratch folder and returns the script's path. */
export function buildJoseWorker() {
  const entry = path.join(benchDir, 'jose-worker', 'worker.js');
  return bundle(
    `export { default } from ${JSON.stringify(entry)};`,
    path.join(scratchDir, 'jose-worker', 'worker.js'),
    ['--conditions=workerd,worker,browser'],
  );
}
