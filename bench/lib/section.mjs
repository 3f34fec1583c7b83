// Command-line wrapper shared by the section scripts: each section runs in its own
// Node process, started by run.mjs, and writes its result as JSON to a file.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

/**
 * Runs `measure({ smoke })` when `moduleUrl` is the script Node was started with, and
 * writes its result to the file named by `--json` (or to stdout without it).
 */
export async function runSectionIfMain(moduleUrl, measure) {
  if (process.argv[1] === undefined || pathToFileURL(process.argv[1]).href !== moduleUrl) return;
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  const result = await measure({ smoke: values.smoke });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (values.json) {
    writeFileSync(values.json, text);
  } else {
    process.stdout.write(text);
  }
}

/** Writes a progress line to stderr, which run.mjs passes through. */
export function progress(message) {
  process.stderr.write(`  ${message}\n`);
}
