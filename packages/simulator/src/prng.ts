/**
 * Seeded randomness. Nothing in the simulator may call Math.random: the same seed must give the
 * same fleet and the same message stream.
 *
 * - `Rng` (mulberry32) is a sequential stream, used where draws happen in a fixed order (fleet
 *   generation).
 * - `hash32` / `hashFloat` give stateless draws keyed by (seed, entity, purpose…). The engine uses
 *   them so a machine's behaviour does not depend on the order in which events were processed,
 *   nor on how `advance()` calls were chunked.
 */

/** 32-bit finaliser of MurmurHash3 (avalanches every input bit). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines any number of integers into one well-mixed 32-bit hash. */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  let h = fmix32((a >>> 0) ^ 0x9e3779b9);
  h = fmix32((h ^ (b >>> 0)) + 0x7f4a7c15);
  h = fmix32((h ^ (c >>> 0)) + 0x165667b1);
  h = fmix32((h ^ (d >>> 0)) + 0x27d4eb2f);
  return h;
}

/** Uniform float in [0, 1) from a hash of the inputs. */
export const hashFloat = (a: number, b = 0, c = 0, d = 0): number => hash32(a, b, c, d) / 4294967296;

/** FNV-1a of a string, for seeding from names. */
export function seedFromString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = hash32(seed) >>> 0;
  }

  /** Next uint32 (mulberry32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError("pick from an empty list");
    return xs[Math.floor(this.float() * xs.length)] as T;
  }

  /** Picks a value with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let x = this.float() * total;
    for (const [v, w] of items) {
      x -= w;
      if (x < 0) return v;
    }
    const last = items[items.length - 1];
    if (!last) throw new RangeError("weighted pick from an empty list");
    return last[0];
  }

  /** A child stream, independent of this one's later draws. */
  fork(salt: number): Rng {
    return new Rng(hash32(this.nextUint32(), salt));
  }
}
