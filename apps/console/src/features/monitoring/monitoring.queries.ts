import { AdvertisementMonitorSchema, ComplianceSummarySchema, UpdateMonitorSchema } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi, isApiError } from "../../api/client";
import { fleetKeys, fleetPath } from "../fleet/fleet";

export const monitorKeys = {
  all: [...fleetKeys.all, "monitor"] as const,
  advertisement: (id: string) => [...monitorKeys.all, "advertisement", id] as const,
  update: (updateId: string) => [...monitorKeys.all, "update", updateId] as const,
  compliance: () => [...monitorKeys.all, "compliance"] as const,
};

/** The stream's URL (same origin: the session cookie goes with it, no CSRF token is needed). */
export const monitorStreamPath = (id: string) => `${fleetPath("advertisements", id, "monitor")}/stream`;

/** Updates have no stream: their monitor is read this often (and again on focus). */
export const UPDATE_MONITOR_POLL_MS = 15_000;

/** While the live stream is paused, the figures are read this often instead. */
export const MONITOR_FALLBACK_POLL_MS = 30_000;

export const monitorQueries = {
  /** The server aggregates (100k computers stay one small answer); the stream keeps it current. */
  advertisement: (id: string) =>
    queryOptions({
      queryKey: monitorKeys.advertisement(id),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("advertisements", id, "monitor"), AdvertisementMonitorSchema, { signal }),
      staleTime: 5_000,
    }),
  /**
   * Where one update (its compliance key, e.g. KB835732) stands across the fleet. A 404 (no compliance
   * row and no package for it yet) is an answer, not a failure: it reads as `null`.
   */
  update: (updateId: string) =>
    queryOptions({
      queryKey: monitorKeys.update(updateId),
      queryFn: async ({ client, signal }) => {
        try {
          return await createApi(client).get(fleetPath("updates", updateId, "monitor"), UpdateMonitorSchema, {
            signal,
          });
        } catch (error) {
          if (isApiError(error) && error.status === 404) return null;
          throw error;
        }
      },
      staleTime: 5_000,
      refetchInterval: UPDATE_MONITOR_POLL_MS,
      refetchOnWindowFocus: true,
    }),
  /** Every update with compliance rows: computers per state and the installed percentage. */
  compliance: () =>
    queryOptions({
      queryKey: monitorKeys.compliance(),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("compliance"), ComplianceSummarySchema, { signal }),
      staleTime: 15_000,
    }),
};
