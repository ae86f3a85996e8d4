/**
 * Binary min-heap of events on parallel typed arrays: (time, seq) is the key, (kind, a, b) the
 * payload. `seq` is a global insertion counter, so events at the same time pop in the order they
 * were scheduled — this is what makes runs reproducible. No per-event objects are allocated.
 */
export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private kind: Uint8Array;
  private a: Int32Array;
  private b: Int32Array;
  private n = 0;
  private nextSeq = 0;

  /** Fields of the last popped event. */
  popTime = 0;
  popKind = 0;
  popA = 0;
  popB = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, or +Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? (this.time[0] as number) : Number.POSITIVE_INFINITY;
  }

  push(time: number, kind: number, a: number, b: number): void {
    if (!Number.isFinite(time)) return; // "never" events are simply not scheduled
    if (this.n === this.time.length) this.grow();
    let i = this.n++;
    const s = this.nextSeq++;
    // Sift up.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.time[p] as number;
      if (pt < time || (pt === time && (this.seq[p] as number) < s)) break;
      this.move(p, i);
      i = p;
    }
    this.time[i] = time;
    this.seq[i] = s;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
  }

  /** Removes the earliest event into popTime/popKind/popA/popB. Returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.popTime = this.time[0] as number;
    this.popKind = this.kind[0] as number;
    this.popA = this.a[0] as number;
    this.popB = this.b[0] as number;
    const last = --this.n;
    if (last === 0) return true;
    const t = this.time[last] as number;
    const s = this.seq[last] as number;
    const k = this.kind[last] as number;
    const a = this.a[last] as number;
    const b = this.b[last] as number;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last) {
        const ct = this.time[c] as number;
        const rt = this.time[r] as number;
        if (rt < ct || (rt === ct && (this.seq[r] as number) < (this.seq[c] as number))) c = r;
      }
      const ct = this.time[c] as number;
      if (t < ct || (t === ct && s < (this.seq[c] as number))) break;
      this.move(c, i);
      i = c;
    }
    this.time[i] = t;
    this.seq[i] = s;
    this.kind[i] = k;
    this.a[i] = a;
    this.b[i] = b;
    return true;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from] as number;
    this.seq[to] = this.seq[from] as number;
    this.kind[to] = this.kind[from] as number;
    this.a[to] = this.a[from] as number;
    this.b[to] = this.b[from] as number;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap);
    t.set(this.time);
    this.time = t;
    const s = new Float64Array(cap);
    s.set(this.seq);
    this.seq = s;
    const k = new Uint8Array(cap);
    k.set(this.kind);
    this.kind = k;
    const a = new Int32Array(cap);
    a.set(this.a);
    this.a = a;
    const b = new Int32Array(cap);
    b.set(this.b);
    this.b = b;
  }
}
