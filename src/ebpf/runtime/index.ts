/** The userspace runtime: memory model, environment, maps, helpers and the interpreter. */
export * from './memory.js';
export * from './env.js';
export * from './interpreter.js';
export * from './maps/index.js';
export * from './helpers/index.js';
export * from './backend.js';
