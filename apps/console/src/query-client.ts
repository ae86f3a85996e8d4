import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { isApiError } from "./api/client";
import { sessionKeys } from "./features/session/session.queries";

const isClientError = (error: unknown) => isApiError(error) && error.status >= 400 && error.status < 500;

/**
 * The console's one QueryClient. Any 401 from the API means the session ended (expired, idle, or
 * revoked by a role change): the cached session is cleared and the app shell sends the user to /login.
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (isApiError(error) && error.status === 401 && queryClient.getQueryData(sessionKeys.current())) {
      queryClient.setQueryData(sessionKeys.current(), null);
    }
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failureCount, error) => !isClientError(error) && failureCount < 2,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
