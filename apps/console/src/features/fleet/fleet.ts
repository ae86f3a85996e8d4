import { can } from "@firebreak/domain";
import { isApiError } from "../../api/client";
import { useSignedInSession } from "../session/use-session";

/** The console works on the production fleet; drill sandboxes get their own screens later. */
export const FLEET_API = "/api/fleets/production";

/** `/api/fleets/production/a/b`, each segment URL-encoded (address ids contain `>`). */
export const fleetPath = (...segments: readonly string[]): string =>
  [FLEET_API, ...segments.map(encodeURIComponent)].join("/");

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
