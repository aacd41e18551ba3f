/**
 * The JIT's linear memory layout (one WebAssembly.Memory per loaded program).
 *
 *   TABLE   region table: entry i (16 bytes) = linear base, readable size, writable size of
 *           region i of the environment's address space (0, 0, 0 when not present in linear memory)
 *   CELLS   run state shared with JavaScript: packet length, instruction count, abort flag,
 *           arguments and result, storage region ids of inlined array maps, packet bounds
 *   STACKS  the 8 call frames' 512-byte stacks, frame d at STACKS + 512 d
 *   CTX     the context of the run (at most CTX_MAX bytes)
 *   PACKET  the packet of the run (at most PACKET_MAX bytes)
 *   HEAP    mirrors of other regions (map values, ...), attached on first access
 *
 * Registers keep the interpreter's pointer values (region id << 32 | offset), so results,
 * helper arguments and fault addresses are identical; an access translates the address with
 * one table load (and, in checked mode, one compare against the region's size).
 */
export const TABLE = 0;
export const TABLE_ENTRIES = 16384;
export const ENTRY_SIZE = 16;
export const CELLS = TABLE + TABLE_ENTRIES * ENTRY_SIZE;
export const CELL_PLEN = CELLS + 0;
export const CELL_COUNT = CELLS + 4;
export const CELL_ABORT = CELLS + 8;
/** r1..r5 on entry and r0 on exit of the main function (8 bytes each): no bigint crosses the boundary. */
export const CELL_ARGS = CELLS + 16;
export const CELL_R0 = CELLS + 56;
/** Per inlined array map: the region id of its storage once mapped (0 before). */
export const CELL_MAPS = CELLS + 64;
/** A pointer returned by the map_lookup_elem import: offset, then region id (4 bytes each). */
export const CELL_PTR = CELLS + 8 * 13;
export const MAX_INLINE_MAPS = 8;
/**
 * Per access size 1, 2, 4, 8 (8 bytes each): packet length - size + 1, or 0 when shorter —
 * the packet fast path's bound, written by JavaScript when the packet length changes and loaded
 * at function entry (a load stays where it is; a computed value would be re-computed in loops).
 */
export const CELL_PLIM = CELLS + 128;
export const STACKS = CELLS + 256;
export const FRAME = 512;
export const FRAMES = 8;
export const CTX = STACKS + FRAME * FRAMES;
export const CTX_MAX = 0x10000;
export const PACKET = CTX + CTX_MAX;
export const PACKET_MAX = 0x40000;
export const HEAP = PACKET + PACKET_MAX;
export const PAGE = 65536;
/** Initial memory: everything above plus 256 KiB of heap (about 900 KiB in all); the heap grows by need. */
export const INITIAL_PAGES = Math.ceil(HEAP / PAGE) + 4;
