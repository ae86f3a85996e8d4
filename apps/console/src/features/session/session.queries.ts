import { SessionSchema, type Session } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi, isApiError, SESSION_QUERY_KEY } from "../../api/client";

export const sessionKeys = {
  current: () => SESSION_QUERY_KEY,
};

export const sessionQueries = {
  /** The signed-in session, or null when signed out (GET /api/auth/session answered 401). */
  current: () =>
    queryOptions({
      queryKey: sessionKeys.current(),
      queryFn: async ({ client, signal }): Promise<Session | null> => {
        try {
          return await createApi(client).get("/api/auth/session", SessionSchema, { signal });
        } catch (error) {
          if (isApiError(error) && error.status === 401) return null;
          throw error;
        }
      },
      // Kept fresh by login/logout and by any 401 the API answers (see query-client.ts).
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
    }),
};
