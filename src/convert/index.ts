/** Translations between program forms. */
export * from './classic-to-ebpf.js';
export * as skBuff from './sk-buff.js';
export * from './socket-context.js';
export { compileClassicWasm, compileClassicFastest } from './classic-wasm.js';
