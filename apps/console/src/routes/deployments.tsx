import type { QueryClient } from "@tanstack/react-query";
import type { LoaderFunctionArgs } from "react-router";
import { BeingBuilt } from "../components/ui/being-built";
import { navItemFor } from "../features/navigation/navigation";
import { requirePermission } from "../features/session/session.guards";

const item = navItemFor("/deployments");

export const deploymentsLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    return null;
  };

export function DeploymentsRoute() {
  return <BeingBuilt item={item} />;
}
