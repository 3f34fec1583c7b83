// Node entry: compiles the wasm module from the file next to the package.
import { readFileSync } from 'node:fs';
import { initSync } from '../pkg/jwtlib.js';

initSync({ module: readFileSync(new URL('../pkg/jwtlib_bg.wasm', import.meta.url)) });

export * from './api.js';
