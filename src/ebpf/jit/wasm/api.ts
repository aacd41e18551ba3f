/**
 * The part of the standard WebAssembly JavaScript API the JIT uses, typed here so the code
 * compiles without the DOM library (Node's types do not declare the global) and runs in any
 * host that has the standard global: Node, browsers, Deno, Bun.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmInstance { readonly exports: Record<string, unknown> }
export interface WasmApi {
  readonly Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  compile(bytes: Uint8Array): Promise<object>;
}

export function wasmApi(): WasmApi {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) throw new Error('this host has no WebAssembly');
  return api;
}
