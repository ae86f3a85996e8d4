import { AppError, PRODUCTION_FLEET_ID } from "@firebreak/domain";
import type { DbClient } from "../../plugins/db.js";
import { fleetRepository } from "./fleet.repository.js";

export interface FleetScope {
  fleetId: string;
  kind: "PRODUCTION" | "DRILL_SANDBOX";
}

/**
 * Turns the :fleet path segment into the one fleet every query of the request is scoped to.
 * `production` is the real fleet; anything else must be an existing drill sandbox.
 */
export async function resolveFleet(db: DbClient, ref: string): Promise<FleetScope> {
  // The production fleet is created by a migration with a fixed id: no lookup needed.
  if (ref === "production" || ref === PRODUCTION_FLEET_ID) return { fleetId: PRODUCTION_FLEET_ID, kind: "PRODUCTION" };
  const fleetId = ref;
  const fleet = await fleetRepository.fleetExists(db, fleetId);
  if (!fleet) throw new AppError("NOT_FOUND", `No fleet "${ref}".`);
  return { fleetId: fleet.id, kind: fleet.kind };
}
