import { Button, Group, Loader, Text } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { Link, useParams, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { FleetEmpty } from "../features/fleet/components/fleet-empty";
import { UpdateMonitorView } from "../features/monitoring/components/update-monitor-view";
import { monitorQueries, UPDATE_MONITOR_POLL_MS } from "../features/monitoring/monitoring.queries";
import { navItemFor } from "../features/navigation/navigation";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

const item = navItemFor("/deployments");

export const updateMonitorLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    await queryClient.ensureQueryData(monitorQueries.update(params.updateId ?? ""));
    return null;
  };

/**
 * Where one update stands across the fleet, from the forwarders' compliance batches. Updates have no
 * stream: the figures are read every 15 s and whenever the window regains focus.
 */
export function UpdateMonitorRoute() {
  const { updateId = "" } = useParams();
  const { data: monitor, isFetching } = useSuspenseQuery(monitorQueries.update(updateId));
  const hasData = !!monitor && monitor.total > 0;

  return (
    <>
      <PageHeader
        title={`Update compliance: ${updateId}`}
        description="Computers per compliance state for this update across the fleet, by site and by link class, and how installation grew over time."
        actions={
          <Button
            component={Link}
            to="/deployments"
            variant="default"
            leftSection={<IconArrowLeft size={16} aria-hidden />}
          >
            All deployments
          </Button>
        }
      />
      {hasData ? (
        <>
          <Group gap="xs" mb="md">
            <Text size="sm" c="dimmed">
              {`Figures as of ${formatDateTime(monitor.generatedAt)}; refreshed every ${UPDATE_MONITOR_POLL_MS / 1000} s.`}
            </Text>
            {isFetching ? <Loader size="xs" aria-label="Refreshing" /> : null}
          </Group>
          <UpdateMonitorView monitor={monitor} />
        </>
      ) : (
        <FleetEmpty title="No compliance data yet">
          <Text component="span" size="sm">
            {`No compliance data for ${updateId} yet: it arrives from the forwarders' compliance batches. This page checks again every ${UPDATE_MONITOR_POLL_MS / 1000} s.`}
          </Text>
        </FleetEmpty>
      )}
    </>
  );
}
