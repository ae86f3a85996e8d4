import {
  HaltRuleViewSchema,
  HaltTargetsSchema,
  HaltVerificationSchema,
  ReleaseHaltListSchema,
} from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi, isApiError } from "../../api/client";
import { fleetKeys, fleetPath } from "../fleet/fleet";

export const haltKeys = {
  all: [...fleetKeys.all, "halts"] as const,
  rule: (advertisementId: string) => [...haltKeys.all, "rule", advertisementId] as const,
  verification: (advertisementId: string) => [...haltKeys.all, "verification", advertisementId] as const,
  targets: (advertisementId: string) => [...haltKeys.all, "targets", advertisementId] as const,
  inForce: (fleetId: string) => [...haltKeys.all, "in-force", fleetId] as const,
};

export const haltRulePath = (advertisementId: string, ...rest: string[]) =>
  fleetPath("advertisements", advertisementId, "halt-rule", ...rest);

/** What an armed rule sees moves with the status ingest: refreshed while the page is open. */
export const HALT_RULE_POLL_MS = 30_000;
/** The war room's halt alerts: as fresh as the war room itself. */
export const HALTS_IN_FORCE_POLL_MS = 15_000;

export const haltQueries = {
  /** The advertisement's automatic halt rule; `null` when it has none (404 is an answer here). */
  rule: (advertisementId: string) =>
    queryOptions({
      queryKey: haltKeys.rule(advertisementId),
      queryFn: async ({ client, signal }) => {
        try {
          return await createApi(client).get(haltRulePath(advertisementId), HaltRuleViewSchema, { signal });
        } catch (error) {
          if (isApiError(error) && error.status === 404 && error.message.includes("no halt rule")) return null;
          throw error;
        }
      },
      staleTime: 10_000,
      refetchInterval: HALT_RULE_POLL_MS,
    }),
  /** When the program was disabled and whether anything started after it (the monitor also carries it). */
  verification: (advertisementId: string) =>
    queryOptions({
      queryKey: haltKeys.verification(advertisementId),
      queryFn: ({ client, signal }) =>
        createApi(client).get(
          fleetPath("advertisements", advertisementId, "halt-verification"),
          HaltVerificationSchema,
          { signal },
        ),
      staleTime: 5_000,
    }),
  /** What a halt would stop: the program's advertisements, or every deployment of the update(s). */
  targets: (advertisementId: string) =>
    queryOptions({
      queryKey: haltKeys.targets(advertisementId),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("advertisements", advertisementId, "halt-targets"), HaltTargetsSchema, {
          signal,
        }),
      staleTime: 5_000,
    }),
  /**
   * The halts in force in a fleet (the war room's alerts). The fleet is the emergency's own, not
   * the console's active one: a war room always shows its fleet's halts.
   */
  inForce: (fleetId: string) =>
    queryOptions({
      queryKey: haltKeys.inForce(fleetId),
      queryFn: ({ client, signal }) =>
        createApi(client).get(`/api/fleets/${encodeURIComponent(fleetId)}/halts`, ReleaseHaltListSchema, { signal }),
      staleTime: 5_000,
      refetchInterval: HALTS_IN_FORCE_POLL_MS,
    }),
};
