// Locations of the build outputs the benchmark reads, and of its scratch folder.
import { existsSync, mkdirSync, statSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const benchDir = path.join(root, 'bench');
/** Ignored by git: bundles and other intermediate files of a run. */
export const scratchDir = path.join(benchDir, 'results', 'tmp');

export const packageWasm = path.join(root, 'pkg', 'jwtlib_bg.wasm');
export const packageGlue = path.join(root, 'pkg', 'jwtlib.js');
export const workerScript = path.join(root, 'build', 'index.js');
export const workerWasm = path.join(root, 'build', 'index_bg.wasm');

export function ensureDir(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Checks that the package and Worker builds exist. Returns warnings for builds older
 * than a Rust source file, which then do not measure the current code.
 */
export function checkBuilds() {
  const missing = [packageWasm, packageGlue, workerScript, workerWasm].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `missing build output ${missing.map((file) => path.relative(root, file)).join(', ')}; run \`npm run build\` first`,
    );
  }
  const sources = Math.max(newestMtime(path.join(root, 'src')), statSync(path.join(root, 'Cargo.toml')).mtimeMs);
  const warnings = [];
  for (const file of [packageWasm, workerWasm]) {
    if (statSync(file).mtimeMs < sources) {
      warnings.push(`${path.relative(root, file)} is older than the Rust sources; run \`npm run build\` to measure the current code`);
    }
  }
  return warnings;
}
