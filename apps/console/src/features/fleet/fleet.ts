import { can } from "@firebreak/domain";
import { isApiError } from "../../api/client";
import { useSignedInSession } from "../session/use-session";

/**
 * The fleet the console works on: production, or — after "Join drill" — a drill's sandbox fleet,
 * so the real screens work against the sandbox. Kept in sessionStorage (per tab, survives a
 * reload); switching clears the query cache (`switchFleet` in features/drills) so nothing mixes.
 */
export interface ActiveDrill {
  drillId: string;
  title: string;
  fleetId: string;
  emergencyId: string | null;
}

const ACTIVE_DRILL_KEY = "firebreak.activeDrill";
const listeners = new Set<() => void>();

function readActiveDrill(): ActiveDrill | null {
  try {
    const raw = globalThis.sessionStorage?.getItem(ACTIVE_DRILL_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<ActiveDrill>;
    return typeof v.drillId === "string" && typeof v.fleetId === "string" && typeof v.title === "string"
      ? { drillId: v.drillId, title: v.title, fleetId: v.fleetId, emergencyId: v.emergencyId ?? null }
      : null;
  } catch {
    return null;
  }
}

let activeDrill: ActiveDrill | null = readActiveDrill();

export const getActiveDrill = (): ActiveDrill | null => activeDrill;

/** Sets (or clears) the drill whose sandbox the console works on. Callers clear the query cache. */
export function setActiveDrill(next: ActiveDrill | null): void {
  activeDrill = next;
  try {
    if (next) globalThis.sessionStorage?.setItem(ACTIVE_DRILL_KEY, JSON.stringify(next));
    else globalThis.sessionStorage?.removeItem(ACTIVE_DRILL_KEY);
  } catch {
    // Private mode without storage: the switch lasts until the tab reloads.
  }
  for (const l of listeners) l();
}

export function subscribeActiveDrill(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The `:fleet` segment and `fleet=` value of every fleet-scoped request. */
export const activeFleetRef = (): string => activeDrill?.fleetId ?? "production";

/** `/api/fleets/<active fleet>` (production unless a drill was joined). */
export const fleetApi = (): string => `/api/fleets/${encodeURIComponent(activeFleetRef())}`;

/** `/api/fleets/<active fleet>/a/b`, each segment URL-encoded (address ids contain `>`). */
export const fleetPath = (...segments: readonly string[]): string =>
  [fleetApi(), ...segments.map(encodeURIComponent)].join("/");

/** Every fleet query lives under this prefix; each feature owns one branch of it. */
export const fleetKeys = { all: ["fleet"] as const };

/** Sites, senders, packages, programs, collections and advertisements: SMS administrators only. */
export function useCanEditDistribution(): boolean {
  const session = useSignedInSession();
  return can(session.user.role, "editDistribution");
}

/** 412: the record changed since it was read (the If-Match version is old). */
export const isStaleWrite = (error: unknown): boolean => isApiError(error) && error.code === "PRECONDITION_FAILED";

export const STALE_WRITE_MESSAGE =
  "This was changed by someone else since you opened it. Reload to see their version, then make your change again.";

/** How to fill an empty fleet; shown by every empty list of this area. */
export const IMPORT_HINT =
  "Import a fleet with `pnpm sim` (add --preset enterprise for 100,000 computers) or POST /api/fleets/production/import.";
