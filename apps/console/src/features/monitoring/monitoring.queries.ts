import { AdvertisementMonitorSchema } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetKeys, fleetPath } from "../fleet/fleet";

export const monitorKeys = {
  all: [...fleetKeys.all, "monitor"] as const,
  advertisement: (id: string) => [...monitorKeys.all, "advertisement", id] as const,
};

/** The stream's URL (same origin: the session cookie goes with it, no CSRF token is needed). */
export const monitorStreamPath = (id: string) => `${fleetPath("advertisements", id, "monitor")}/stream`;

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
};
