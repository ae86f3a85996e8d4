import { UserListSchema } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";

export const userKeys = {
  all: ["users"] as const,
  list: () => [...userKeys.all, "list"] as const,
};

export const userQueries = {
  list: () =>
    queryOptions({
      queryKey: userKeys.list(),
      queryFn: ({ client, signal }) => createApi(client).get("/api/users", UserListSchema, { signal }),
    }),
};
