// Section 5: download and upload sizes, raw and gzip, of jwtlib's npm wasm and Worker
// against bundles of the peer libraries and the jose Worker.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundle, buildJoseWorker } from './lib/bundle.mjs';
import { packageWasm, root, scratchDir, workerScript, workerWasm } from './lib/paths.mjs';
import { runSectionIfMain } from './lib/section.mjs';

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Workers' limits on the compressed upload, as wrangler 4.86 checks them: gzip of all
 * modules concatenated, at zlib's default level.
 */
export const WORKER_LIMITS = { freeBytes: 3 * MIB, paidBytes: 10 * MIB };

/** Raw and gzip size of files taken together, gzipped as one stream as wrangler does. */
function measureFiles(files) {
  const contents = files.map((file) => readFileSync(file));
  const joined = Buffer.concat(contents);
  return {
    files: files.map((file) => path.relative(root, file)),
    rawBytes: joined.length,
    gzipBytes: gzipSync(joined).length,
  };
}

function readLeb128(bytes, offset) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[offset++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return { value, offset };
}

/** Lists the custom sections of a wasm module (names, producers, debug info) by size. */
function customSections(file) {
  const bytes = readFileSync(file);
  const sections = [];
  let offset = 8;
  while (offset < bytes.length) {
    const id = bytes[offset];
    const size = readLeb128(bytes, offset + 1);
    const bodyStart = size.offset;
    if (id === 0) {
      const nameLength = readLeb128(bytes, bodyStart);
      const name = bytes.subarray(nameLength.offset, nameLength.offset + nameLength.value).toString('utf8');
      sections.push({ name, bytes: size.value });
    }
    offset = bodyStart + size.value;
  }
  return sections;
}

/** Minimal entries for the peer bundles: file name → what it exports. */
const PEER_ENTRIES = {
  jose: "export { SignJWT, jwtVerify } from 'jose';",
  tsndr: "export { sign, verify } from '@tsndr/cloudflare-worker-jwt';",
  'hash-wasm': "export { argon2id, argon2Verify } from 'hash-wasm';",
  // The JS stack with jwtlib's features: HS256 tokens and Argon2id.
  'jose+hash-wasm': "export { SignJWT, jwtVerify } from 'jose';\nexport { argon2id, argon2Verify } from 'hash-wasm';",
};

export async function measureSize() {
  const packageJs = bundle(
    "export { Auth, MemoryStore } from 'jwtlib';",
    path.join(scratchDir, 'size', 'jwtlib-package.js'),
    ['--conditions=browser'],
  );
  const peers = {};
  for (const [name, source] of Object.entries(PEER_ENTRIES)) {
    const file = bundle(source, path.join(scratchDir, 'size', `${name}.js`));
    peers[name] = measureFiles([file]);
  }
  const joseWorker = buildJoseWorker();

  return {
    description:
      'Bytes, raw and gzip (node:zlib gzipSync, default level). Bundles are esbuild --bundle --minify for the browser. A Worker is measured as wrangler measures its upload: all modules gzipped together.',
    npm: {
      wasm: measureFiles([packageWasm]),
      js: measureFiles([packageJs]),
      wasmCustomSections: customSections(packageWasm),
    },
    worker: {
      jwtlib: measureFiles([workerScript, workerWasm]),
      jwtlibWasm: measureFiles([workerWasm]),
      jose: measureFiles([joseWorker]),
      wasmCustomSections: customSections(workerWasm),
      limits: WORKER_LIMITS,
    },
    peers,
  };
}

await runSectionIfMain(import.meta.url, measureSize);
