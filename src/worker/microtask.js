// Replaces the global `queueMicrotask` in the Worker bundle (esbuild --inject). The
// wasm-bindgen futures executor calls it on every wake-up, and in workerd it is a call
// into the runtime, about 7 % of the isolate's time under load in a CPU profile. A
// reaction on a settled promise runs the callback as the same kind of microtask within
// V8. The callback throws only when a panic traps, and workerd then logs an unhandled
// rejection where it would have logged an uncaught error.
const settled = Promise.resolve();

export function queueMicrotask(callback) {
  settled.then(callback);
}
