/**
 * Map operations as WebAssembly functions over map arenas placed in the JIT program's linear
 * memory (runtime/maps/arena.ts has the layout). They are the JavaScript implementation
 * (runtime/maps/map.ts) step for step — same hash, same chains, same slot reuse, same error
 * codes in the kernel's order — so the interpreter, the user-space API and the JIT see one
 * map. Each function is specialised for one map: its arena's linear address, sizes and bucket
 * count are constants, the key compare and the hash are unrolled for its key size.
 *
 *   lookup(key) → i64 pointer (region id of the values << 32 | offset) or 0   (hash maps)
 *   update(key, value, flags i64) → i64 r0 (0 or -errno)                      (array and hash)
 *   delete(key) → i64 r0                                                         (hash maps)
 *
 * `key` and `value` are linear addresses the caller translated and checked.
 */
import { E_KEY, E_NEXT, E_USED, FMIX1, FMIX2, H_BUMP, H_COUNT, H_FREE, H_SPARE, HASH_MUL, HASH_ROT, type HashLayout } from '../runtime/maps/arena.js';
import { E2BIG, EEXIST, EINVAL, ENOENT } from '../runtime/maps/map.js';
import { Code, I32, I64, ModuleBuilder, OP } from './wasm/encoder.js';

/** A map placed in linear memory, as compile.ts needs it. */
export interface ArenaMapSpec {
  /** Index in the environment's maps. */
  readonly index: number;
  /** The pointer value the program holds for the map (lddw map fd/idx). */
  readonly handle: bigint;
  readonly keySize: number;
  readonly valueSize: number;
  /** Linear address of the arena (8-byte aligned). */
  readonly base: number;
  /** Linear address of the cell holding the values' region id (0 until JavaScript maps the region). */
  readonly cellAt: number;
  readonly array?: { readonly maxEntries: number; readonly elemSize: number };
  readonly hash?: HashLayout;
}

/** Function indices of one map's operations. */
export interface ArenaFns { readonly lookup?: number; readonly update: number; readonly delete?: number; readonly cellAt: number }

/** memory.copy (bulk memory): destination, source, length on the stack. */
const memoryCopy = (c: Code): Code => { c.out.byte(0xfc).u32(10).byte(0).byte(0); return c; };
const errno = (n: number): bigint => BigInt(-n);

export function emitArenaFns(m: ModuleBuilder, maps: readonly ArenaMapSpec[]): Map<number, ArenaFns> {
  const out = new Map<number, ArenaFns>();
  for (const spec of maps) {
    if (spec.array) out.set(spec.index, { update: arrayUpdate(m, spec, spec.array), cellAt: spec.cellAt });
    else if (spec.hash) out.set(spec.index, hashFns(m, spec, spec.hash));
  }
  return out;
}

/** kernel/bpf/arraymap.c array_map_update_elem: the checks in the kernel's order, then the copy. */
function arrayUpdate(m: ModuleBuilder, spec: ArenaMapSpec, a: { maxEntries: number; elemSize: number }): number {
  const f = m.declare([I32, I32, I64], [I64]);
  const c = new Code([I32, I32, I64]);
  const idx = c.local(I32);
  c.get(2).i64(~4n).op(OP.i64_and).i64(2n).op(OP.i64_gt_u).if().i64(errno(EINVAL)).op(OP.return).end();
  c.get(0).mem(OP.i32_load, 0).tee(idx).i32(a.maxEntries).op(OP.i32_ge_u).if().i64(errno(E2BIG)).op(OP.return).end();
  c.get(2).i64(1n).op(OP.i64_and).op(OP.i32_wrap_i64).if().i64(errno(EEXIST)).op(OP.return).end();
  c.get(2).i64(4n).op(OP.i64_and).op(OP.i32_wrap_i64).if().i64(errno(EINVAL)).op(OP.return).end();
  c.get(idx).i32(a.elemSize).op(OP.i32_mul).i32(spec.base).op(OP.i32_add).get(1).i32(spec.valueSize);
  memoryCopy(c);
  c.i64(0n);
  m.define(f, c);
  return f;
}

function hashFns(m: ModuleBuilder, spec: ArenaMapSpec, L: HashLayout): ArenaFns {
  const B = spec.base, meta = B + L.meta, elems = B + L.elemsAt;
  // The hash, the chain walk and the key compare are emitted inline in each function (no wasm
  // calls on the lookup path).
  /** Leaves the linear address of the key's bucket (its chain head) on the stack. */
  const bucket = (c: Code, key: number, h: number) => {
    const step = () => c.op(OP.i32_xor).i32(HASH_MUL).op(OP.i32_mul).i32(HASH_ROT).op(OP.i32_rotl).set(h);
    c.i32(0).set(h);
    let i = 0;
    for (; i + 4 <= L.keySize; i += 4) { c.get(h).get(key).mem(OP.i32_load, 0, i); step(); }
    if (i < L.keySize) {
      c.get(h);
      // The last word zero-extended, from single bytes (never read past the key).
      for (let sh = 0; i < L.keySize; i++, sh += 8) {
        c.get(key).mem(OP.i32_load8_u, 0, i);
        if (sh) c.i32(sh).op(OP.i32_shl).op(OP.i32_or);
      }
      step();
    }
    c.get(h).get(h).i32(16).op(OP.i32_shr_u).op(OP.i32_xor).i32(FMIX1).op(OP.i32_mul).set(h);
    c.get(h).get(h).i32(13).op(OP.i32_shr_u).op(OP.i32_xor).i32(FMIX2).op(OP.i32_mul).set(h);
    c.get(h).get(h).i32(16).op(OP.i32_shr_u).op(OP.i32_xor).i32(L.buckets - 1).op(OP.i32_and).i32(2).op(OP.i32_shl).i32(B + L.bucketsAt).op(OP.i32_add);
  };
  /** Leaves 1 when element `e`'s key equals the key (exact size, no padding read), else 0. */
  const same = (c: Code, key: number, e: number) => {
    c.block(I32);
    let i = 0;
    const cmp = (load: number, ne: number) => { c.i32(0).get(key).mem(load, 0, i).get(e).mem(load, 0, E_KEY + i).op(ne).brIf(0).op(OP.drop); };
    for (; i + 8 <= L.keySize; i += 8) cmp(OP.i64_load, OP.i64_ne);
    if (i + 4 <= L.keySize) { cmp(OP.i32_load, OP.i32_ne); i += 4; }
    if (i + 2 <= L.keySize) { cmp(OP.i32_load16_u, OP.i32_ne); i += 2; }
    if (i < L.keySize) cmp(OP.i32_load8_u, OP.i32_ne);
    c.i32(1);
    c.end();
  };
  /**
   * s = slot + 1 of the key in the chain at bucket address `b` (e = its element, link = the
   * address of the link to it: the bucket head or the previous element's next), or 0.
   */
  const find = (c: Code, key: number, b: number, s: number, e: number, link: number) => {
    c.get(b).tee(link).mem(OP.i32_load, 2).set(s);
    c.block().loop();
    c.get(s).op(OP.i32_eqz).brIf(1);
    c.get(s).i32(1).op(OP.i32_sub).i32(L.elemStride).op(OP.i32_mul).i32(elems).op(OP.i32_add).set(e);
    same(c, key, e);
    c.brIf(1);
    c.get(e).i32(E_NEXT).op(OP.i32_add).tee(link).mem(OP.i32_load, 2).set(s).br(0);
    c.end().end();
  };
  const lookup = m.declare([I32], [I64]);
  {
    const c = new Code([I32]);
    const h = c.local(I32), b = c.local(I32), s = c.local(I32), e = c.local(I32), link = c.local(I32);
    bucket(c, 0, h);
    c.set(b);
    find(c, 0, b, s, e, link);
    c.get(s).op(OP.i32_eqz).if(I64).i64(0n).else()
      .i32(0).mem(OP.i32_load, 2, spec.cellAt).op(OP.i64_extend_i32_u).i64(32n).op(OP.i64_shl)
      .get(s).i32(1).op(OP.i32_sub).i32(L.valueStride).op(OP.i32_mul).op(OP.i64_extend_i32_u).op(OP.i64_or).end();
    m.define(lookup, c);
  }
  // kernel/bpf/hashtab.c htab_map_update_elem + check_flags, in their order.
  const update = m.declare([I32, I32, I64], [I64]);
  {
    const c = new Code([I32, I32, I64]);
    const b = c.local(I32), s = c.local(I32), e = c.local(I32), h = c.local(I32), link = c.local(I32);
    c.get(2).i64(~4n).op(OP.i64_and).i64(2n).op(OP.i64_gt_u).get(2).i64(4n).op(OP.i64_and).op(OP.i64_eqz).op(OP.i32_eqz).op(OP.i32_or)
      .if().i64(errno(EINVAL)).op(OP.return).end();
    bucket(c, 0, h);
    c.set(b);
    find(c, 0, b, s, e, link);
    c.get(s).if();
    c.get(2).i64(1n).op(OP.i64_eq).if().i64(errno(EEXIST)).op(OP.return).end();
    // The kernel's replacement: unlink the old element, which becomes the spare; the spare takes the key.
    c.get(link).get(e).mem(OP.i32_load, 2, E_NEXT).mem(OP.i32_store, 2);
    c.get(e).i32(0).mem(OP.i32_store, 2, E_USED);
    c.get(e).i32(0).mem(OP.i32_store, 2, E_NEXT);
    c.i32(0).mem(OP.i32_load, 2, meta + H_SPARE).tee(h).i32(L.maxEntries + 1).get(h).op(OP.select);
    c.i32(0).get(s).mem(OP.i32_store, 2, meta + H_SPARE);
    c.set(s);
    c.else();
    c.get(2).i64(2n).op(OP.i64_eq).if().i64(errno(ENOENT)).op(OP.return).end();
    c.i32(0).mem(OP.i32_load, 2, meta + H_COUNT).i32(L.maxEntries).op(OP.i32_ge_u).if().i64(errno(E2BIG)).op(OP.return).end();
    // A slot: the most recently freed one, else the next never used.
    c.i32(0).mem(OP.i32_load, 2, meta + H_FREE).tee(s).if()
      .i32(0).get(s).i32(1).op(OP.i32_sub).i32(L.elemStride).op(OP.i32_mul).i32(elems).op(OP.i32_add).mem(OP.i32_load, 2, E_NEXT).mem(OP.i32_store, 2, meta + H_FREE)
      .else()
      .i32(0).i32(0).mem(OP.i32_load, 2, meta + H_BUMP).i32(1).op(OP.i32_add).tee(s).mem(OP.i32_store, 2, meta + H_BUMP)
      .end();
    c.i32(0).i32(0).mem(OP.i32_load, 2, meta + H_COUNT).i32(1).op(OP.i32_add).mem(OP.i32_store, 2, meta + H_COUNT);
    c.end();
    c.get(s).i32(1).op(OP.i32_sub).i32(L.elemStride).op(OP.i32_mul).i32(elems).op(OP.i32_add).set(e);
    c.get(e).i32(E_KEY).op(OP.i32_add).get(0).i32(L.keySize);
    memoryCopy(c);
    c.get(e).i32(1).mem(OP.i32_store, 2, E_USED);
    c.get(e).get(b).mem(OP.i32_load, 2).mem(OP.i32_store, 2, E_NEXT);
    c.get(b).get(s).mem(OP.i32_store, 2);
    c.get(s).i32(1).op(OP.i32_sub).i32(L.valueStride).op(OP.i32_mul).i32(B).op(OP.i32_add).get(1).i32(L.valueSize);
    memoryCopy(c);
    c.i64(0n);
    m.define(update, c);
  }
  const del = m.declare([I32], [I64]);
  {
    const c = new Code([I32]);
    const link = c.local(I32), s = c.local(I32), e = c.local(I32), h = c.local(I32);
    bucket(c, 0, h);
    c.set(link);
    c.loop();
    c.get(link).mem(OP.i32_load, 2).tee(s).op(OP.i32_eqz).if().i64(errno(ENOENT)).op(OP.return).end();
    c.get(s).i32(1).op(OP.i32_sub).i32(L.elemStride).op(OP.i32_mul).i32(elems).op(OP.i32_add).set(e);
    same(c, 0, e);
    c.if()
      .get(link).get(e).mem(OP.i32_load, 2, E_NEXT).mem(OP.i32_store, 2)
      .get(e).i32(0).mem(OP.i32_store, 2, E_USED)
      .get(e).i32(0).mem(OP.i32_load, 2, meta + H_FREE).mem(OP.i32_store, 2, E_NEXT)
      .i32(0).get(s).mem(OP.i32_store, 2, meta + H_FREE)
      .i32(0).i32(0).mem(OP.i32_load, 2, meta + H_COUNT).i32(1).op(OP.i32_sub).mem(OP.i32_store, 2, meta + H_COUNT)
      .i64(0n).op(OP.return).end();
    c.get(e).set(link).br(0);
    c.end();
    c.op(OP.unreachable);
    m.define(del, c);
  }
  return { lookup, update, delete: del, cellAt: spec.cellAt };
}
