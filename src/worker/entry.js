// The Worker's module entry. scripts/build.sh bundles it with the wasm-bindgen glue of
// the `worker` feature build (index.js beside it) into build/index.js.
import { initSync, fetch as handle } from './index.js';
import module from './index_bg.wasm';

// Workers give a compiled WebAssembly.Module for a wasm import, so the instance is made
// once per isolate, before the first request.
initSync({ module });

export default {
  fetch(request, env, context) {
    return handle(request, env, context);
  },
};
