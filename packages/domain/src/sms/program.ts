import { ProgramFlags, type ProgramFlagName } from "./flags.js";

/**
 * Derived, dialog-shaped view of `SMS_Program.ProgramFlags` (domain.md §5.7). The API exposes the
 * flag word under its SMS name; the console shows these derived values with the SMS labels.
 * Dialog labels for General/Environment are recalled [U]; the Advanced-tab "Disable this
 * program…" label is from the book (S1), its mapping to DISABLED is our inference [U].
 */

export type AfterRunning = "NO_ACTION" | "SMS_RESTARTS_COMPUTER" | "PROGRAM_RESTARTS_COMPUTER" | "SMS_LOGS_USER_OFF";
export type ProgramCanRun =
  "ONLY_WHEN_USER_LOGGED_ON" | "WHETHER_OR_NOT_USER_LOGGED_ON" | "ONLY_WHEN_NO_USER_LOGGED_ON";
export type RunWindow = "NORMAL" | "MINIMIZED" | "MAXIMIZED" | "HIDDEN";
export type RunMode = "USER_RIGHTS" | "ADMIN_RIGHTS";
export type WhenAssigned = "ONCE_FOR_FIRST_USER" | "ONCE_FOR_EVERY_USER";

export interface ProgramView {
  programFlags: number;
  disabled: boolean;
  unattended: boolean;
  adminRights: boolean;
  countdownShown: boolean;
  afterRunning: AfterRunning;
  runWhen: ProgramCanRun;
  runMode: RunMode;
  runWindow: RunWindow;
  whenAssigned: WhenAssigned;
  anyPlatform: boolean;
}

export function programView(programFlags: number): ProgramView {
  const f = ProgramFlags.decode(programFlags).flags;
  return {
    programFlags: ProgramFlags.encode(ProgramFlags.decode(programFlags)),
    disabled: f.DISABLED,
    unattended: f.UNATTENDED,
    adminRights: f.ADMINRIGHTS,
    countdownShown: !f.COUNTDOWN,
    afterRunning: f.OKTOREBOOT
      ? "SMS_RESTARTS_COMPUTER"
      : f.OKTOQUIT
        ? "PROGRAM_RESTARTS_COMPUTER"
        : f.OKTOLOGOFF
          ? "SMS_LOGS_USER_OFF"
          : "NO_ACTION",
    runWhen: f.NOUSERLOGGEDIN
      ? "ONLY_WHEN_NO_USER_LOGGED_ON"
      : f.USERCONTEXT
        ? "ONLY_WHEN_USER_LOGGED_ON"
        : "WHETHER_OR_NOT_USER_LOGGED_ON",
    runMode: f.ADMINRIGHTS ? "ADMIN_RIGHTS" : "USER_RIGHTS",
    runWindow: f.HIDEWINDOW ? "HIDDEN" : f.RUNMAXIMIZED ? "MAXIMIZED" : f.RUNMINIMIZED ? "MINIMIZED" : "NORMAL",
    whenAssigned: f.EVERYUSER ? "ONCE_FOR_EVERY_USER" : "ONCE_FOR_FIRST_USER",
    anyPlatform: f.ANY_PLATFORM,
  };
}

export const programDialogLabels = {
  disabled: "Disable this program on computers where it is advertised",
  afterRunning: "After running",
  programCanRun: "Program can run",
  runMode: "Run mode",
  run: "Run",
  whenAssigned: "When this program is assigned to a computer",
} as const;

export const afterRunningLabels: Record<AfterRunning, string> = {
  NO_ACTION: "No action required",
  SMS_RESTARTS_COMPUTER: "SMS restarts computer",
  PROGRAM_RESTARTS_COMPUTER: "Program restarts computer",
  SMS_LOGS_USER_OFF: "SMS logs user off",
};
export const programCanRunLabels: Record<ProgramCanRun, string> = {
  ONLY_WHEN_USER_LOGGED_ON: "Only when a user is logged on",
  WHETHER_OR_NOT_USER_LOGGED_ON: "Whether or not a user is logged on",
  ONLY_WHEN_NO_USER_LOGGED_ON: "Only when no user is logged on",
};
export const runModeLabels: Record<RunMode, string> = {
  USER_RIGHTS: "Run with user's rights",
  ADMIN_RIGHTS: "Run with administrative rights",
};
export const runWindowLabels: Record<RunWindow, string> = {
  NORMAL: "Normal",
  MINIMIZED: "Minimized",
  MAXIMIZED: "Maximized",
  HIDDEN: "Hidden",
};
export const whenAssignedLabels: Record<WhenAssigned, string> = {
  ONCE_FOR_FIRST_USER: "Run once for the first user who logs on",
  ONCE_FOR_EVERY_USER: "Run once for every user who logs on",
};

/** Sets the "halt" bit (domain.md §3.4 R1) without touching any other bit. */
export const withProgramDisabled = (programFlags: number, disabled: boolean): number =>
  ProgramFlags.with(programFlags, "DISABLED", disabled);

const EXCLUSIVE_GROUPS: readonly { names: readonly ProgramFlagName[]; message: string }[] = [
  {
    names: ["USERCONTEXT", "NOUSERLOGGEDIN"],
    message: "A program cannot run both only when a user is logged on and only when no user is logged on",
  },
  {
    names: ["RUNMINIMIZED", "RUNMAXIMIZED", "HIDEWINDOW"],
    message: "Choose one run window: minimized, maximized or hidden",
  },
  { names: ["OKTOQUIT", "OKTOREBOOT", "OKTOLOGOFF"], message: "Choose one action after running" },
];

/** Combinations SMS refuses or that make the program never run [F*:S10]. Empty = consistent. */
export function programFlagConflicts(programFlags: number): string[] {
  const f = ProgramFlags.decode(programFlags).flags;
  const out: string[] = [];
  for (const g of EXCLUSIVE_GROUPS) if (g.names.filter((n) => f[n]).length > 1) out.push(g.message);
  if (f.EVERYUSER && f.NOUSERLOGGEDIN) out.push("'Run once for every user' needs a logged-on user");
  return out;
}
