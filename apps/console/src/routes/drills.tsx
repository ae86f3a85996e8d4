import type { QueryClient } from "@tanstack/react-query";
import type { LoaderFunctionArgs } from "react-router";
import { BeingBuilt } from "../components/ui/being-built";
import { navItemFor } from "../features/navigation/navigation";
import { requirePermission } from "../features/session/session.guards";

const item = navItemFor("/drills");

export const drillsLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    return null;
  };

export function DrillsRoute() {
  return <BeingBuilt item={item} />;
}
