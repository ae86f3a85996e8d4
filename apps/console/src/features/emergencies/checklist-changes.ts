import {
  formatFlagWord,
  noLocalDpModeLabels,
  preferredSenderLabels,
  rateModeLabels,
  type NoLocalDpMode,
  type PreferredSender,
  type RateMode,
} from "@firebreak/domain";
import { scheduleSummary } from "../senders/hour-usage";

/** One setting a checklist change touches, in words: "Rate limit: Pulse mode (4 KB every 1 s) → Unlimited". */
export interface ChangeLine {
  setting: string;
  before: string;
  after: string;
}

const settingNames: Record<string, string> = {
  advertFlags: "AdvertFlags",
  remoteClientFlags: "RemoteClientFlags",
  mandatory: "Mandatory assignment",
  mandatoryOverSlowLinks: "Mandatory over slow links",
  noLocalDpMode: "When no distribution point is local",
  excludedResourceIds: "Computers left out of the target",
  usageSchedule: "Schedule",
  rateLimit: "Rate limit",
  via: "Delivery",
  preferredSender: "Preferred sender",
};

function rateLimitWords(value: unknown): string {
  const r = value as { mode?: RateMode; blockSizeKB?: number; delaySeconds?: number; hourlyLimitPct?: number[] };
  if (!r?.mode) return "—";
  if (r.mode === "PULSE") return `${rateModeLabels.PULSE} (${r.blockSizeKB} KB every ${r.delaySeconds} s)`;
  if (r.mode === "HOURLY_LIMIT") {
    const limited = (r.hourlyLimitPct ?? []).filter((p) => p < 100).length;
    return `${rateModeLabels.HOURLY_LIMIT} (${limited} h a day below 100 %)`;
  }
  return rateModeLabels[r.mode];
}

/** A setting's value as a person reads it; unknown shapes fall back to compact JSON. */
export function settingWords(key: string, value: unknown): string {
  if (value === undefined || value === null) return "—";
  switch (key) {
    case "advertFlags":
    case "remoteClientFlags":
      return typeof value === "number" ? formatFlagWord(value) : String(value);
    case "mandatory":
    case "mandatoryOverSlowLinks":
      return value ? "Yes" : "No";
    case "noLocalDpMode":
      return noLocalDpModeLabels[value as NoLocalDpMode] ?? String(value);
    case "excludedResourceIds":
      return Array.isArray(value) ? `${value.length} computer${value.length === 1 ? "" : "s"}` : String(value);
    case "usageSchedule":
      return Array.isArray(value) ? scheduleSummary(value as number[][]) : String(value);
    case "rateLimit":
      return rateLimitWords(value);
    case "via":
      return value === "COURIER_PARCEL" ? "Courier parcel" : value === "NETWORK" ? "Network" : String(value);
    case "preferredSender":
      return preferredSenderLabels[value as PreferredSender] ?? String(value);
    default: {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      return text.length > 80 ? `${text.slice(0, 77)}…` : text;
    }
  }
}

/** The settings a change alters, before → after; the saved baseline is not a setting. */
export function changeLines(before: Record<string, unknown>, after: Record<string, unknown>): ChangeLine[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== "savedBaseline");
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => ({
      setting: settingNames[k] ?? k,
      before: settingWords(k, before[k]),
      after: settingWords(k, after[k]),
    }));
}
