import { ComputerPageSchema } from "@firebreak/domain";
import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetKeys, fleetPath } from "../fleet/fleet";
import { computerApiQuery, type ComputerFilters } from "./computers.search-params";

export const computerKeys = {
  all: [...fleetKeys.all, "computers"] as const,
  pages: () => [...computerKeys.all, "page"] as const,
  page: (filters: ComputerFilters) => [...computerKeys.pages(), filters] as const,
};

export const computerQueries = {
  /** One server-side page; the previous page stays on screen while the next one loads. */
  page: (filters: ComputerFilters) =>
    queryOptions({
      queryKey: computerKeys.page(filters),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("computers"), ComputerPageSchema, { query: computerApiQuery(filters), signal }),
      placeholderData: keepPreviousData,
    }),
};
