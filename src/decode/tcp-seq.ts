/**
 * tcpdump's table of initial sequence numbers per TCP conversation (for relative sequence
 * numbers): keyed by both addresses' bytes and both ports, lower side first. An open-addressing
 * hash table over typed arrays: a lookup per ACK-carrying segment hashes ten integers instead of
 * going through three nested Maps keyed by address strings.
 */
import { be32i } from './bytes.js';

const KEY_WORDS = 10;

export class TcpSeqTable {
  /** Per slot: address length (0 = empty), lower address (4 words), other address (4 words), ports. */
  private keys = new Int32Array(KEY_WORDS * 1024);
  /** Per slot: the lower side's and the other side's initial sequence numbers. */
  private isns = new Uint32Array(2 * 1024);
  private count = 0;
  private readonly key = new Int32Array(KEY_WORDS);
  /** The entry found by the last `find`, or set by `set`. */
  lowIsn = 0;
  highIsn = 0;

  /** Fills the key from the addresses at `lo` and `hi` (`alen` bytes each) and the ports; returns its hash. */
  private makeKey(d: Uint8Array, lo: number, hi: number, alen: number, ports: number): number {
    const k = this.key;
    k[0] = alen;
    k[1] = be32i(d, lo);
    k[5] = be32i(d, hi);
    if (alen > 4) {
      k[2] = be32i(d, lo + 4); k[3] = be32i(d, lo + 8); k[4] = be32i(d, lo + 12);
      k[6] = be32i(d, hi + 4); k[7] = be32i(d, hi + 8); k[8] = be32i(d, hi + 12);
    } else {
      k[2] = 0; k[3] = 0; k[4] = 0; k[6] = 0; k[7] = 0; k[8] = 0;
    }
    k[9] = ports | 0;
    return this.hashKey();
  }

  private hashKey(): number {
    const k = this.key;
    let h = 0x811c9dc5;
    for (let i = 0; i < KEY_WORDS; i++) h = Math.imul(h ^ k[i]!, 0x01000193);
    return (h ^ (h >>> 15)) >>> 0;
  }

  private probe(h: number): number {
    const keys = this.keys, k = this.key;
    const mask = keys.length / KEY_WORDS - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = slot * KEY_WORDS;
      if (keys[at] === 0) return slot;
      let same = true;
      for (let i = 0; i < KEY_WORDS; i++) if (keys[at + i] !== k[i]) { same = false; break; }
      if (same) return slot;
    }
  }

  /** True when the conversation is known (its numbers then in lowIsn/highIsn). */
  find(d: Uint8Array, lo: number, hi: number, alen: number, ports: number): boolean {
    const slot = this.probe(this.makeKey(d, lo, hi, alen, ports));
    if (this.keys[slot * KEY_WORDS] === 0) return false;
    this.lowIsn = this.isns[2 * slot]!;
    this.highIsn = this.isns[2 * slot + 1]!;
    return true;
  }

  /** Records (or replaces) the conversation's initial sequence numbers. */
  set(d: Uint8Array, lo: number, hi: number, alen: number, ports: number, lowIsn: number, highIsn: number): void {
    if (2 * (this.count + 1) > this.keys.length / KEY_WORDS) this.grow();
    const slot = this.probe(this.makeKey(d, lo, hi, alen, ports));
    if (this.keys[slot * KEY_WORDS] === 0) {
      this.keys.set(this.key, slot * KEY_WORDS);
      this.count++;
    }
    this.isns[2 * slot] = lowIsn;
    this.isns[2 * slot + 1] = highIsn;
    this.lowIsn = lowIsn;
    this.highIsn = highIsn;
  }

  private grow(): void {
    const oldKeys = this.keys, oldIsns = this.isns;
    const slots = (oldKeys.length / KEY_WORDS) * 2;
    this.keys = new Int32Array(KEY_WORDS * slots);
    this.isns = new Uint32Array(2 * slots);
    const k = this.key;
    for (let s = 0; s < oldKeys.length / KEY_WORDS; s++) {
      if (oldKeys[s * KEY_WORDS] === 0) continue;
      for (let i = 0; i < KEY_WORDS; i++) k[i] = oldKeys[s * KEY_WORDS + i]!;
      const slot = this.probe(this.hashKey());
      this.keys.set(k, slot * KEY_WORDS);
      this.isns[2 * slot] = oldIsns[2 * s]!;
      this.isns[2 * slot + 1] = oldIsns[2 * s + 1]!;
    }
  }
}
