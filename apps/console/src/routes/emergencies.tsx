import type { QueryClient } from "@tanstack/react-query";
import type { LoaderFunctionArgs } from "react-router";
import { BeingBuilt } from "../components/ui/being-built";
import { navItemFor } from "../features/navigation/navigation";
import { requirePermission } from "../features/session/session.guards";

const item = navItemFor("/emergencies");

export const emergenciesLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    return null;
  };

export function EmergenciesRoute() {
  return <BeingBuilt item={item} />;
}
