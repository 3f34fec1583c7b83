// Workers entry: the bundler turns this static import into a precompiled
// WebAssembly.Module, because Workers forbid compiling wasm from bytes at run time.
import wasmModule from '../pkg/jwtlib_bg.wasm';
import { initSync } from '../pkg/jwtlib.js';

initSync({ module: wasmModule });

export * from './api.js';
