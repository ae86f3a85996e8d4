import { describe, expect, it } from "vitest";
import {
  ADVERT_STATUS_MESSAGES,
  INITIAL_CLIENT_ADVERT_STATE,
  clientStateOfMessage,
  clientStateRank,
  foldClientState,
  nextClientState,
  trackOfState,
  type ClientAdvertState,
  type ClientStatusInput,
} from "./status.js";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: readonly T[], r: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

const T0 = Date.parse("2026-03-10T09:00:00Z");
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

/** Comparable progress of a state: (track, time, rank). */
const progress = (s: ClientAdvertState): [number, number, number] => [
  trackOfState[s.state] === "EXECUTION" ? 1 : 0,
  s.lastStatusTime ? Date.parse(s.lastStatusTime) : -Infinity,
  clientStateRank[s.state],
];
const notBefore = (a: [number, number, number], b: [number, number, number]): boolean => {
  for (let i = 0; i < 3; i++) if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) > (b[i] as number);
  return true;
};

describe("message catalogue", () => {
  it("maps the documented IDs and marks the unverified ones", () => {
    expect(clientStateOfMessage(10002)).toBe("ACCEPTED");
    expect(clientStateOfMessage(10005)).toBe("RUNNING");
    expect(clientStateOfMessage(10006)).toBe("FAILED");
    expect(clientStateOfMessage(10007)).toBe("FAILED");
    expect(clientStateOfMessage(10008)).toBe("SUCCEEDED");
    expect(clientStateOfMessage(10009)).toBe("SUCCEEDED");
    const verified = ADVERT_STATUS_MESSAGES.filter((m) => m.verified).map((m) => m.messageId);
    expect(verified).toEqual([10002, 10008, 10009]);
  });
});

describe("nextClientState", () => {
  it("walks a normal run", () => {
    let s = nextClientState(null, { messageId: 10002, time: at(0) });
    expect(s.state).toBe("ACCEPTED");
    s = nextClientState(s, { messageId: 10005, time: at(5) });
    expect(s.state).toBe("RUNNING");
    s = nextClientState(s, { messageId: 10008, time: at(9), exitCode: 3010 });
    expect(s).toEqual({
      state: "SUCCEEDED",
      lastStatusMessageId: 10008,
      lastStatusTime: at(9),
      lastExitCode: 3010,
      lastAcceptanceMessageId: 10002,
      lastAcceptanceTime: at(0),
    });
  });

  it("ignores late messages that would move it backwards", () => {
    const done = foldClientState([
      { messageId: 10002, time: at(0) },
      { messageId: 10005, time: at(5) },
      { messageId: 10008, time: at(9), exitCode: 0 },
    ]);
    expect(nextClientState(done, { messageId: 10005, time: at(5) })).toBe(done);
    // A re-sent "received" hours later never hides the run, but is kept on the acceptance track.
    const resent = nextClientState(done, { messageId: 10002, time: at(300) });
    expect(resent.state).toBe("SUCCEEDED");
    expect(resent.lastAcceptanceTime).toBe(at(300));
  });

  it("shows a genuine rerun after a failure, and breaks same-second ties by rank", () => {
    const s = foldClientState([
      { messageId: 10005, time: at(1) },
      { messageId: 10006, time: at(2), exitCode: 1603 },
      { messageId: 10005, time: at(60) },
    ]);
    expect(s.state).toBe("RUNNING");
    const tie = foldClientState([
      { messageId: 10008, time: at(3), exitCode: 0 },
      { messageId: 10005, time: at(3) },
    ]);
    expect(tie.state).toBe("SUCCEEDED");
  });

  it("leaves unknown message IDs alone", () => {
    expect(nextClientState(INITIAL_CLIENT_ADVERT_STATE, { messageId: 31337, time: at(1) })).toBe(
      INITIAL_CLIENT_ADVERT_STATE,
    );
  });

  it("is order-independent and monotonic under 500 shuffled batches", () => {
    const r = rng(42);
    const ids = [10002, 10003, 10005, 10006, 10007, 10008, 10009, 10018, 10073];
    for (let round = 0; round < 500; round++) {
      const n = 1 + Math.floor(r() * 12);
      const msgs: ClientStatusInput[] = Array.from({ length: n }, () => {
        const messageId = ids[Math.floor(r() * ids.length)] as number;
        // Few distinct minutes so same-time ties are common.
        const m: ClientStatusInput = { messageId, time: at(Math.floor(r() * 5)) };
        if (messageId === 10006 || messageId === 10008)
          m.exitCode = messageId === 10006 ? [1603, 1618][Math.floor(r() * 2)] : [0, 3010][Math.floor(r() * 2)];
        return m;
      });
      const reference = foldClientState(msgs);
      for (let k = 0; k < 6; k++) {
        const order = shuffled([...msgs, ...msgs.slice(0, 2)], r); // with duplicates
        let s: ClientAdvertState = INITIAL_CLIENT_ADVERT_STATE;
        let prev = progress(s);
        for (const m of order) {
          s = nextClientState(s, m);
          const p = progress(s);
          expect(notBefore(p, prev)).toBe(true);
          prev = p;
        }
        expect(s).toEqual(reference);
      }
    }
  });

  it("accepts epoch-ms and Date times and rejects garbage", () => {
    const a = nextClientState(null, { messageId: 10002, time: T0 });
    const b = nextClientState(null, { messageId: 10002, time: new Date(T0) });
    expect(a).toEqual(b);
    expect(() => nextClientState(null, { messageId: 10002, time: "not a date" })).toThrow(RangeError);
  });
});
