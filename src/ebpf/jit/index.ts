export { compileWasm, loadWasm, WasmProgram, type JitOptions } from './program.js';
export { wasmBackend } from './backend.js';
