// Browser and generic ESM entry: fetches and instantiates the wasm module next to this
// package with top-level await.
import init from '../pkg/jwtlib.js';

await init({ module_or_path: new URL('../pkg/jwtlib_bg.wasm', import.meta.url) });

export * from './api.js';
