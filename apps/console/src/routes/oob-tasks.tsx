import { OOB_TASK_KINDS, oobTaskKindLabels, type OobTaskKind } from "@firebreak/domain";
import { Button, Group, Select, Switch, Text } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { emergencyQueries } from "../features/emergencies/emergencies.queries";
import { navItemFor } from "../features/navigation/navigation";
import { OobBoard } from "../features/oob/components/oob-board";
import { oobSearchFrom, parseOobSearch, type OobBoardFilters } from "../features/oob/oob.search-params";
import { requirePermission } from "../features/session/session.guards";

const item = navItemFor("/tasks");

export const oobTasksLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    if (params.emergencyId) void queryClient.prefetchQuery(emergencyQueries.warRoom(params.emergencyId));
    return null;
  };

/** The out-of-band board, for all tasks (/tasks) or one emergency's (/emergencies/:id/tasks). */
export function OobTasksRoute() {
  const { emergencyId } = useParams();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = parseOobSearch(searchParams);
  const warRoom = useQuery({
    ...emergencyQueries.warRoom(emergencyId ?? ""),
    enabled: !!emergencyId,
    refetchInterval: false,
  });
  const go = (next: OobBoardFilters) => setSearchParams(oobSearchFrom(next), { preventScrollReset: true });
  const title = emergencyId
    ? `Out-of-band tasks${warRoom.data ? `: ${warRoom.data.emergency.record.title}` : ""}`
    : "Out-of-band tasks";

  return (
    <>
      <PageHeader
        title={title}
        description="Every machine, site or sender address the normal path cannot reach in time: an owner, a method, a due time and evidence. Done machine tasks count towards coverage."
        actions={
          emergencyId ? (
            <Button
              component={Link}
              to={`/emergencies/${emergencyId}`}
              variant="default"
              leftSection={<IconArrowLeft size={16} aria-hidden />}
            >
              War room
            </Button>
          ) : null
        }
      />
      <Group gap="md" align="flex-end" mb="md" role="search" aria-label="Filter the tasks">
        <Select
          label="Kind"
          data={[
            { value: "", label: "All kinds" },
            ...OOB_TASK_KINDS.map((k) => ({ value: k, label: oobTaskKindLabels[k] })),
          ]}
          value={filters.kind ?? ""}
          allowDeselect={false}
          onChange={(v) => {
            const next = { ...filters };
            if (v) next.kind = v as OobTaskKind;
            else delete next.kind;
            go(next);
          }}
          w={300}
        />
        <Switch
          label="Only my tasks"
          checked={filters.mine}
          onChange={(e) => go({ ...filters, mine: e.currentTarget.checked })}
        />
        {!emergencyId ? (
          <Text size="xs" c="dimmed">
            Tasks of every emergency and case. Open an emergency&apos;s war room to see only its tasks.
          </Text>
        ) : null}
      </Group>
      <OobBoard
        filters={{
          ...(emergencyId ? { emergencyId } : {}),
          ...(filters.kind ? { kind: filters.kind } : {}),
          mine: filters.mine,
        }}
        filtered={!!filters.kind || filters.mine}
      />
    </>
  );
}
