import { rollbackTargetingLabels } from "@firebreak/domain";
import { Anchor, Button, Group, Skeleton, Stack, Switch, Table, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconArrowBackUp } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { ScrollTable } from "../components/ui/scroll-table";
import { navItemFor } from "../features/navigation/navigation";
import { PriorityBadge, SlaClock } from "../features/process/components/process-badges";
import { useProcessAccess } from "../features/process/process-access";
import { useNow } from "../features/process/use-now";
import { OpenRollbackModal } from "../features/rollbacks/components/open-rollback-modal";
import { RollbackStateBadge } from "../features/rollbacks/components/rollback-badges";
import { rollbackQueries } from "../features/rollbacks/rollbacks.queries";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

const item = navItemFor("/rollbacks");

const filtersOf = (params: URLSearchParams) => ({ open: params.get("all") !== "true" });

export const rollbacksLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    void queryClient.prefetchQuery(rollbackQueries.list(filtersOf(new URL(request.url).searchParams)));
    return null;
  };

/** Every rollback of the fleet: open ones by default, newest first. */
export function RollbacksRoute() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = filtersOf(searchParams);
  const list = useQuery(rollbackQueries.list(filters));
  const access = useProcessAccess();
  const [opened, modal] = useDisclosure(false);
  const now = useNow(30_000);
  const mayRequest = access.can("workRelease");

  return (
    <>
      <PageHeader
        title="Rollbacks"
        description="Updates being removed from the computers that applied them: feasibility, halt, package clean-up, the rollback package, targeting, deployment and verification."
        actions={
          mayRequest ? (
            <Button leftSection={<IconArrowBackUp size={16} aria-hidden />} onClick={modal.open}>
              Request a rollback
            </Button>
          ) : null
        }
      />
      <Stack gap="md">
        <Switch
          label="Show closed and cancelled rollbacks too"
          checked={!filters.open}
          onChange={(e) =>
            setSearchParams(e.currentTarget.checked ? { all: "true" } : {}, { preventScrollReset: true })
          }
          w="fit-content"
        />
        {list.isPending ? (
          <Stack gap="xs" aria-label="Loading the rollbacks" aria-busy>
            <Skeleton height={36} />
            <Skeleton height={36} />
          </Stack>
        ) : list.isError ? (
          <ErrorAlert error={list.error} title="Could not load the rollbacks" />
        ) : list.data.items.length === 0 ? (
          <Text size="sm">
            {filters.open ? "No rollback is open. " : "No rollback was ever requested. "}
            {mayRequest
              ? "If an update causes problems, request its rollback here or from the update's case (“Roll back this update…”)."
              : "The ERT and the SMS administrators request rollbacks."}
          </Text>
        ) : (
          <ScrollTable minWidth={820} label="Rollbacks">
            <Table striped highlightOnHover aria-label="Rollbacks">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Update</Table.Th>
                  <Table.Th scope="col">State</Table.Th>
                  <Table.Th scope="col">Priority</Table.Th>
                  <Table.Th scope="col">SLA</Table.Th>
                  <Table.Th scope="col">Targeting</Table.Th>
                  <Table.Th scope="col">Requested</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/rollbacks/${r.id}`} fw={600}>
                        {`${r.kbNumber}${r.bulletinId ? ` · ${r.bulletinId}` : ""}`}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {r.title}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <RollbackStateBadge status={r.status} size="sm" />
                    </Table.Td>
                    <Table.Td>
                      <PriorityBadge priority={r.priority} confirmed={r.priorityConfirmed} size="sm" />
                    </Table.Td>
                    <Table.Td>
                      <SlaClock clock={r.sla} now={now} />
                    </Table.Td>
                    <Table.Td>
                      {r.targeting ? (
                        <Group gap={4}>
                          <Text size="sm">{rollbackTargetingLabels[r.targeting]}</Text>
                          {r.advertisementId ? (
                            <Anchor
                              component={Link}
                              to={`/deployments/${encodeURIComponent(r.advertisementId)}`}
                              size="sm"
                            >
                              {`monitor ${r.advertisementId}`}
                            </Anchor>
                          ) : null}
                        </Group>
                      ) : (
                        <Text size="sm" c="dimmed">
                          Not advertised
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{formatDateTime(r.openedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
      </Stack>
      {mayRequest ? <OpenRollbackModal opened={opened} onClose={modal.close} /> : null}
    </>
  );
}
