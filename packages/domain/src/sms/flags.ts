/**
 * Codecs for the SMS flag words `AdvertFlags`, `ProgramFlags` and `RemoteClientFlags`.
 *
 * A flag word is an unsigned 32-bit integer. Decoding gives one boolean per documented bit plus
 * `unknownBits` (every set bit we have no name for); encoding puts both back, so
 * `encode(decode(w)) === w` for every 32-bit `w`. Bits set by a newer SMS/ConfigMgr version, or
 * by an admin tool we do not know, survive a round trip through the console untouched.
 *
 * Bit values are the documented WMI values (domain.md §5.7–5.8, [F*:S9][F*:S10]).
 */

export interface FlagBit<N extends string = string> {
  readonly name: N;
  readonly bit: number;
  /** What the bit means, in our words. */
  readonly meaning: string;
  /** `SMS` if the bit is meaningful for SMS 2003, `CM07` if documented only from ConfigMgr 2007 on. */
  readonly era: "SMS" | "CM07";
}

export type FlagSet<N extends string> = { readonly [K in N]: boolean };

export interface DecodedFlags<N extends string> {
  readonly flags: FlagSet<N>;
  /** Set bits with no name in the table; preserved verbatim by `encode`. */
  readonly unknownBits: number;
}

export interface FlagWordCodec<N extends string> {
  readonly name: string;
  readonly bits: readonly FlagBit<N>[];
  readonly bitOf: { readonly [K in N]: number };
  /** OR of every named bit. */
  readonly knownMask: number;
  decode(word: number): DecodedFlags<N>;
  encode(decoded: { readonly flags: Partial<FlagSet<N>>; readonly unknownBits?: number }): number;
  has(word: number, name: N): boolean;
  /** Returns `word` with one bit set or cleared; every other bit (known or not) is unchanged. */
  with(word: number, name: N, on: boolean): number;
  /** Names of the set, known bits, in bit order. */
  namesOf(word: number): N[];
  fromNames(names: readonly N[], unknownBits?: number): number;
}

/** Normalises any JS number holding a 32-bit pattern (signed or not) to its unsigned value. */
export const toUint32 = (word: number): number => word >>> 0;

export const isUint32 = (word: number): boolean => Number.isInteger(word) && word >= 0 && word <= 0xffffffff;

function defineFlagWord<const B extends readonly FlagBit[]>(name: string, bits: B): FlagWordCodec<B[number]["name"]> {
  type N = B[number]["name"];
  let knownMask = 0;
  const bitOf = {} as Record<N, number>;
  for (const b of bits) {
    if (b.bit === 0 || (b.bit & (b.bit - 1)) !== 0) throw new Error(`${name}.${b.name}: not a single bit`);
    if ((knownMask & b.bit) !== 0) throw new Error(`${name}.${b.name}: bit defined twice`);
    knownMask = (knownMask | b.bit) >>> 0;
    bitOf[b.name as N] = b.bit >>> 0;
  }
  const assertWord = (word: number): number => {
    if (!Number.isInteger(word) || word < -0x80000000 || word > 0xffffffff) {
      throw new RangeError(`${name}: ${word} is not a 32-bit flag word`);
    }
    return word >>> 0;
  };
  return {
    name,
    bits: bits as unknown as readonly FlagBit<N>[],
    bitOf,
    knownMask,
    decode(word) {
      const w = assertWord(word);
      const flags = {} as Record<N, boolean>;
      for (const b of bits) flags[b.name as N] = (w & b.bit) !== 0;
      return { flags, unknownBits: (w & ~knownMask) >>> 0 };
    },
    encode({ flags, unknownBits = 0 }) {
      let w = (assertWord(unknownBits) & ~knownMask) >>> 0;
      for (const b of bits) if (flags[b.name as N]) w = (w | b.bit) >>> 0;
      return w;
    },
    has: (word, n) => (assertWord(word) & bitOf[n]) !== 0,
    with: (word, n, on) => (on ? assertWord(word) | bitOf[n] : assertWord(word) & ~bitOf[n]) >>> 0,
    namesOf: (word) => {
      const w = assertWord(word);
      return bits.filter((b) => (w & b.bit) !== 0).map((b) => b.name as N);
    },
    fromNames(names, unknownBits = 0) {
      let w = (assertWord(unknownBits) & ~knownMask) >>> 0;
      for (const n of names) w = (w | bitOf[n]) >>> 0;
      return w;
    },
  };
}

/** `SMS_Advertisement.AdvertFlags` (domain.md §5.8). */
export const AdvertFlags = defineFlagWord("AdvertFlags", [
  {
    name: "IMMEDIATE",
    bit: 0x00000020,
    meaning: "Announce and run as soon as possible (makes the advertisement mandatory)",
    era: "SMS",
  },
  { name: "ONSYSTEMSTARTUP", bit: 0x00000100, meaning: "Announce at system start-up", era: "SMS" },
  { name: "ONUSERLOGON", bit: 0x00000200, meaning: "Announce at user logon (mandatory)", era: "SMS" },
  {
    name: "ONUSERLOGOFF",
    bit: 0x00000400,
    meaning: "Announce at user logoff (mandatory; the program needs NOUSERLOGGEDIN)",
    era: "SMS",
  },
  {
    name: "NO_DISPLAY",
    bit: 0x02000000,
    meaning: "Users may not run the program independently of its assignments",
    era: "SMS",
  },
  {
    name: "ONSLOWNET",
    bit: 0x04000000,
    meaning: "Assignments are mandatory over a slow network connection",
    era: "SMS",
  },
] as const);
export type AdvertFlagName = (typeof AdvertFlags.bits)[number]["name"];

/** `SMS_Program.ProgramFlags` (domain.md §5.7). */
export const ProgramFlags = defineFlagWord("ProgramFlags", [
  { name: "COUNTDOWN", bit: 0x00000400, meaning: "The countdown dialog is not shown", era: "SMS" },
  {
    name: "DISABLED",
    bit: 0x00001000,
    meaning: "The program is disabled on computers where it is advertised",
    era: "SMS",
  },
  { name: "UNATTENDED", bit: 0x00002000, meaning: "The program needs no user interaction", era: "SMS" },
  { name: "USERCONTEXT", bit: 0x00004000, meaning: "Runs only when a user is logged on", era: "SMS" },
  { name: "ADMINRIGHTS", bit: 0x00008000, meaning: "Runs with local administrator rights", era: "SMS" },
  { name: "EVERYUSER", bit: 0x00010000, meaning: "Runs once for every user who logs on (mandatory only)", era: "SMS" },
  { name: "NOUSERLOGGEDIN", bit: 0x00020000, meaning: "Runs only when no user is logged on", era: "SMS" },
  { name: "OKTOQUIT", bit: 0x00040000, meaning: "The program itself restarts the computer", era: "SMS" },
  { name: "OKTOREBOOT", bit: 0x00080000, meaning: "SMS restarts the computer after the program succeeds", era: "SMS" },
  {
    name: "USEUNCPATH",
    bit: 0x00100000,
    meaning: "Uses a UNC path to the distribution point (no drive letter)",
    era: "SMS",
  },
  { name: "PERSISTCONNECTION", bit: 0x00200000, meaning: "Keeps the drive mapping after the program ends", era: "SMS" },
  { name: "RUNMINIMIZED", bit: 0x00400000, meaning: "Runs minimised", era: "SMS" },
  { name: "RUNMAXIMIZED", bit: 0x00800000, meaning: "Runs maximised", era: "SMS" },
  { name: "HIDEWINDOW", bit: 0x01000000, meaning: "Runs hidden", era: "SMS" },
  { name: "OKTOLOGOFF", bit: 0x02000000, meaning: "SMS logs the user off after the program succeeds", era: "SMS" },
  { name: "ANY_PLATFORM", bit: 0x08000000, meaning: "Skips the platform check", era: "SMS" },
  {
    name: "SUPPORT_UNINSTALL",
    bit: 0x20000000,
    meaning: "Runs the registered uninstall when the advertisement expires",
    era: "CM07",
  },
] as const);
export type ProgramFlagName = (typeof ProgramFlags.bits)[number]["name"];

/**
 * `SMS_Advertisement.RemoteClientFlags` (domain.md §5.8). Whether SMS 2003 RTM exposed the
 * property in WMI is unverified [U]; its Advanced Client tab had the same choices.
 */
export const RemoteClientFlags = defineFlagWord("RemoteClientFlags", [
  {
    name: "RUN_FROM_LOCAL_DISPPOINT",
    bit: 0x00000008,
    meaning: "Local DP available: run the program from the distribution point",
    era: "SMS",
  },
  {
    name: "DOWNLOAD_FROM_LOCAL_DISPPOINT",
    bit: 0x00000010,
    meaning: "Local DP available: download the program, then run it locally",
    era: "SMS",
  },
  { name: "DONT_RUN_NO_LOCAL_DISPPOINT", bit: 0x00000020, meaning: "No local DP: do not run the program", era: "SMS" },
  {
    name: "DOWNLOAD_FROM_REMOTE_DISPPOINT",
    bit: 0x00000040,
    meaning: "No local DP: download the program from a remote distribution point",
    era: "SMS",
  },
  {
    name: "RUN_FROM_REMOTE_DISPPOINT",
    bit: 0x00000080,
    meaning: "No local DP: run the program from a remote distribution point",
    era: "CM07",
  },
  { name: "RERUN_ALWAYS", bit: 0x00000800, meaning: "Always rerun the program", era: "CM07" },
  { name: "RERUN_NEVER", bit: 0x00001000, meaning: "Never rerun the program", era: "CM07" },
  { name: "RERUN_IF_FAILED", bit: 0x00002000, meaning: "Rerun if the previous attempt failed", era: "CM07" },
  { name: "RERUN_IF_SUCCEEDED", bit: 0x00004000, meaning: "Rerun if the previous attempt succeeded", era: "CM07" },
] as const);
export type RemoteClientFlagName = (typeof RemoteClientFlags.bits)[number]["name"];

/** Documented default of `RemoteClientFlags`: download from a local DP, don't run without one [F*:S9]. */
export const DEFAULT_REMOTE_CLIENT_FLAGS = 0x30;

/** ConfigMgr documents these program defaults (EVERYUSER, USEUNCPATH, USERCONTEXT, UNATTENDED) [F*:S10]. */
export const DEFAULT_PROGRAM_FLAGS = ProgramFlags.fromNames(["UNATTENDED", "USERCONTEXT", "EVERYUSER", "USEUNCPATH"]);

/** Formats a flag word the way SMS documentation prints it, e.g. `0x04000000`. */
export const formatFlagWord = (word: number): string =>
  `0x${toUint32(word).toString(16).toUpperCase().padStart(8, "0")}`;
