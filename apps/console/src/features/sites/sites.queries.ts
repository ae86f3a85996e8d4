import { BoundaryListSchema, SiteListSchema, SiteSystemListSchema } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetKeys, fleetPath } from "../fleet/fleet";

export const siteKeys = {
  all: [...fleetKeys.all, "sites"] as const,
  list: () => [...siteKeys.all, "list"] as const,
  systems: () => [...siteKeys.all, "site-systems"] as const,
  boundaries: () => [...siteKeys.all, "boundaries"] as const,
};

export const siteQueries = {
  list: () =>
    queryOptions({
      queryKey: siteKeys.list(),
      queryFn: ({ client, signal }) => createApi(client).get(fleetPath("sites"), SiteListSchema, { signal }),
    }),
  systems: () =>
    queryOptions({
      queryKey: siteKeys.systems(),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("site-systems"), SiteSystemListSchema, { signal }),
    }),
  boundaries: () =>
    queryOptions({
      queryKey: siteKeys.boundaries(),
      queryFn: ({ client, signal }) => createApi(client).get(fleetPath("boundaries"), BoundaryListSchema, { signal }),
    }),
};
