import type { QueryClient } from "@tanstack/react-query";
import type { LoaderFunctionArgs } from "react-router";
import { BeingBuilt } from "../components/ui/being-built";
import { navItemFor } from "../features/navigation/navigation";
import { requirePermission } from "../features/session/session.guards";

const item = navItemFor("/sites");

export const sitesLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    return null;
  };

export function SitesRoute() {
  return <BeingBuilt item={item} />;
}
