import type { Session } from "@firebreak/domain";
import { useSuspenseQuery } from "@tanstack/react-query";
import { sessionQueries } from "./session.queries";

/** The cached session, or null when signed out. */
export function useSession(): Session | null {
  return useSuspenseQuery(sessionQueries.current()).data;
}

/** The session inside the app shell, whose loader guarantees a signed-in user. */
export function useSignedInSession(): Session {
  const session = useSession();
  if (!session) throw new Error("useSignedInSession is only usable below the signed-in app shell");
  return session;
}
