import { HealthSchema } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";

export const healthKeys = {
  all: ["health"] as const,
  current: () => [...healthKeys.all, "current"] as const,
};

export const healthQueries = {
  current: () =>
    queryOptions({
      queryKey: healthKeys.current(),
      queryFn: ({ client, signal }) => createApi(client).get("/api/health", HealthSchema, { signal }),
      staleTime: 15_000,
      retry: false,
    }),
};
