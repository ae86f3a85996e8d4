import { CollectionListSchema, CollectionRecordSchema } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetKeys, fleetPath } from "../fleet/fleet";

export const collectionKeys = {
  all: [...fleetKeys.all, "collections"] as const,
  list: () => [...collectionKeys.all, "list"] as const,
  detail: (id: string) => [...collectionKeys.all, "detail", id] as const,
};

export const collectionQueries = {
  list: () =>
    queryOptions({
      queryKey: collectionKeys.list(),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("collections"), CollectionListSchema, { signal }),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: collectionKeys.detail(id),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("collections", id), CollectionRecordSchema, { signal }),
    }),
};
