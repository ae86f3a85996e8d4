import { describe, expect, it } from "vitest";
import {
  AdvertFlags,
  DEFAULT_PROGRAM_FLAGS,
  DEFAULT_REMOTE_CLIENT_FLAGS,
  ProgramFlags,
  RemoteClientFlags,
  formatFlagWord,
  toUint32,
  type FlagWordCodec,
} from "./flags.js";
import { programFlagConflicts, programView, withProgramDisabled } from "./program.js";

/** Deterministic 32-bit words for the round-trip property (mulberry32). */
function* words(seed: number, n: number): Generator<number> {
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    yield (t ^ (t >>> 14)) >>> 0;
  }
}

const EDGE_WORDS = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x04000000, 0x02000000, 0x30, 0xdeadbeef];

describe.each<[string, FlagWordCodec<string>]>([
  ["AdvertFlags", AdvertFlags],
  ["ProgramFlags", ProgramFlags],
  ["RemoteClientFlags", RemoteClientFlags],
])("%s codec", (_name, codec) => {
  it("round-trips every edge word and 5,000 random 32-bit words exactly, unknown bits included", () => {
    for (const w of [...EDGE_WORDS, ...words(0xf1eb, 5000)]) {
      const decoded = codec.decode(w);
      expect(codec.encode(decoded)).toBe(w);
      expect(codec.fromNames(codec.namesOf(w), decoded.unknownBits)).toBe(w);
      expect((decoded.unknownBits & codec.knownMask) >>> 0).toBe(0);
    }
  });

  it("accepts the signed view of a word (as some WMI clients hand it over)", () => {
    expect(codec.encode(codec.decode(-1))).toBe(0xffffffff);
    expect(codec.encode(codec.decode(-0x80000000))).toBe(0x80000000);
  });

  it("rejects values that are not 32-bit integers", () => {
    expect(() => codec.decode(2 ** 32)).toThrow(RangeError);
    expect(() => codec.decode(1.5)).toThrow(RangeError);
    expect(() => codec.decode(Number.NaN)).toThrow(RangeError);
  });

  it("with() flips exactly one bit and keeps unknown bits", () => {
    for (const w of words(7, 200)) {
      for (const b of codec.bits) {
        const on = codec.with(w, b.name, true);
        const off = codec.with(w, b.name, false);
        expect(on).toBe((w | b.bit) >>> 0);
        expect(off).toBe((w & ~b.bit) >>> 0);
        expect(codec.decode(on).unknownBits).toBe(codec.decode(w).unknownBits);
      }
    }
  });
});

describe("documented bit values (domain.md §5.7–5.8)", () => {
  it("AdvertFlags", () => {
    expect(AdvertFlags.bitOf).toEqual({
      IMMEDIATE: 0x00000020,
      ONSYSTEMSTARTUP: 0x00000100,
      ONUSERLOGON: 0x00000200,
      ONUSERLOGOFF: 0x00000400,
      NO_DISPLAY: 0x02000000,
      ONSLOWNET: 0x04000000,
    });
  });

  it("ProgramFlags", () => {
    expect(ProgramFlags.bitOf).toEqual({
      COUNTDOWN: 0x00000400,
      DISABLED: 0x00001000,
      UNATTENDED: 0x00002000,
      USERCONTEXT: 0x00004000,
      ADMINRIGHTS: 0x00008000,
      EVERYUSER: 0x00010000,
      NOUSERLOGGEDIN: 0x00020000,
      OKTOQUIT: 0x00040000,
      OKTOREBOOT: 0x00080000,
      USEUNCPATH: 0x00100000,
      PERSISTCONNECTION: 0x00200000,
      RUNMINIMIZED: 0x00400000,
      RUNMAXIMIZED: 0x00800000,
      HIDEWINDOW: 0x01000000,
      OKTOLOGOFF: 0x02000000,
      ANY_PLATFORM: 0x08000000,
      SUPPORT_UNINSTALL: 0x20000000,
    });
  });

  it("RemoteClientFlags", () => {
    expect(RemoteClientFlags.bitOf).toEqual({
      RUN_FROM_LOCAL_DISPPOINT: 0x08,
      DOWNLOAD_FROM_LOCAL_DISPPOINT: 0x10,
      DONT_RUN_NO_LOCAL_DISPPOINT: 0x20,
      DOWNLOAD_FROM_REMOTE_DISPPOINT: 0x40,
      RUN_FROM_REMOTE_DISPPOINT: 0x80,
      RERUN_ALWAYS: 0x800,
      RERUN_NEVER: 0x1000,
      RERUN_IF_FAILED: 0x2000,
      RERUN_IF_SUCCEEDED: 0x4000,
    });
  });

  it("decodes ONSLOWNET and NO_DISPLAY from a real-looking word with an unknown ConfigMgr bit", () => {
    const w = 0x04000000 | 0x02000000 | 0x20 | 0x00100000; // 0x00100000 is not an SMS 2003 bit
    const d = AdvertFlags.decode(w);
    expect(d.flags.ONSLOWNET).toBe(true);
    expect(d.flags.NO_DISPLAY).toBe(true);
    expect(d.flags.IMMEDIATE).toBe(true);
    expect(d.flags.ONUSERLOGON).toBe(false);
    expect(d.unknownBits).toBe(0x00100000);
    expect(AdvertFlags.encode(d)).toBe(w);
  });

  it("documented defaults", () => {
    expect(DEFAULT_REMOTE_CLIENT_FLAGS).toBe(48);
    expect(RemoteClientFlags.namesOf(DEFAULT_REMOTE_CLIENT_FLAGS)).toEqual([
      "DOWNLOAD_FROM_LOCAL_DISPPOINT",
      "DONT_RUN_NO_LOCAL_DISPPOINT",
    ]);
    expect(ProgramFlags.namesOf(DEFAULT_PROGRAM_FLAGS).sort()).toEqual([
      "EVERYUSER",
      "UNATTENDED",
      "USERCONTEXT",
      "USEUNCPATH",
    ]);
  });

  it("formats words like the SMS documentation", () => {
    expect(formatFlagWord(0x04000000)).toBe("0x04000000");
    expect(formatFlagWord(-1)).toBe("0xFFFFFFFF");
    expect(toUint32(-0x80000000)).toBe(0x80000000);
  });
});

describe("programView", () => {
  it("derives the dialog values and the halt bit", () => {
    const flags = ProgramFlags.fromNames(["UNATTENDED", "ADMINRIGHTS", "OKTOREBOOT", "HIDEWINDOW"]);
    const v = programView(flags);
    expect(v).toMatchObject({
      disabled: false,
      unattended: true,
      adminRights: true,
      runMode: "ADMIN_RIGHTS",
      afterRunning: "SMS_RESTARTS_COMPUTER",
      runWindow: "HIDDEN",
      runWhen: "WHETHER_OR_NOT_USER_LOGGED_ON",
      countdownShown: true,
    });
    const halted = withProgramDisabled(flags | 0x40000000, true);
    expect(programView(halted).disabled).toBe(true);
    expect(halted & 0x40000000).not.toBe(0); // unknown bit kept
    expect(withProgramDisabled(halted, false)).toBe((flags | 0x40000000) >>> 0);
  });

  it("reports conflicting combinations", () => {
    expect(programFlagConflicts(DEFAULT_PROGRAM_FLAGS)).toEqual([]);
    expect(programFlagConflicts(ProgramFlags.fromNames(["USERCONTEXT", "NOUSERLOGGEDIN"]))).toHaveLength(1);
    expect(programFlagConflicts(ProgramFlags.fromNames(["OKTOQUIT", "OKTOREBOOT"]))).toHaveLength(1);
  });
});
