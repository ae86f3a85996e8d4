import {
  AdvertisementListSchema,
  AdvertisementRecordSchema,
  AdvertisementStatusSummarySchema,
} from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetKeys, fleetPath } from "../fleet/fleet";

export const advertisementKeys = {
  all: [...fleetKeys.all, "advertisements"] as const,
  list: () => [...advertisementKeys.all, "list"] as const,
  detail: (id: string) => [...advertisementKeys.all, "detail", id] as const,
  status: (id: string) => [...advertisementKeys.all, "status", id] as const,
};

export const advertisementQueries = {
  list: () =>
    queryOptions({
      queryKey: advertisementKeys.list(),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("advertisements"), AdvertisementListSchema, { signal }),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: advertisementKeys.detail(id),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("advertisements", id), AdvertisementRecordSchema, { signal }),
    }),
  /** Client states move as status arrives: refreshed every 30 s while the page is open. */
  status: (id: string) =>
    queryOptions({
      queryKey: advertisementKeys.status(id),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("advertisements", id, "status"), AdvertisementStatusSummarySchema, { signal }),
      staleTime: 15_000,
      refetchInterval: 30_000,
    }),
};
