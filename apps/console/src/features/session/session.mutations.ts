import { SessionSchema, type LoginBody } from "@firebreak/domain";
import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { sessionKeys } from "./session.queries";

/** Forgets everything cached for the previous user, keeping only the (new) session. */
function resetCacheForSession(client: QueryClient) {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKeys.current()[0] });
}

export function useLogin() {
  return useMutation({
    mutationFn: (body: LoginBody, { client }) => createApi(client).post("/api/auth/login", body, SessionSchema),
    onSuccess: (session, _body, _result, { client }) => {
      resetCacheForSession(client);
      client.setQueryData(sessionKeys.current(), session);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (_: void, { client }) => {
      await createApi(client).post("/api/auth/logout", undefined);
    },
    // Sign out locally even when the server call fails (e.g. the session already expired).
    onSettled: () => {
      queryClient.setQueryData(sessionKeys.current(), null);
      resetCacheForSession(queryClient);
    },
  });
}
