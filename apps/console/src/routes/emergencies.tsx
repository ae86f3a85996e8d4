import { Anchor, Badge, Button, Group, Paper, Skeleton, Stack, Table, Text } from "@mantine/core";
import { ScrollTable } from "../components/ui/scroll-table";
import { useDisclosure } from "@mantine/hooks";
import { IconClipboardList, IconUrgent } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { Link, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { DeclareEmergencyModal } from "../features/emergencies/components/declare-emergency-modal";
import { EmergencyStateBadge, EmergencyTypeBadge } from "../features/emergencies/components/emergency-badges";
import { emergencyQueries } from "../features/emergencies/emergencies.queries";
import { navItemFor } from "../features/navigation/navigation";
import { useProcessAccess } from "../features/process/process-access";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

const item = navItemFor("/emergencies");

export const emergenciesLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    void queryClient.prefetchQuery(emergencyQueries.list());
    return null;
  };

export function EmergenciesRoute() {
  const emergencies = useQuery(emergencyQueries.list());
  const access = useProcessAccess();
  const [opened, modal] = useDisclosure(false);
  const canDeclare = access.mayTry("declareEmergency");
  const items = [...(emergencies.data?.items ?? [])].sort(
    (a, b) =>
      Number(a.record.state === "CLOSED") - Number(b.record.state === "CLOSED") ||
      Date.parse(b.record.declaredAt) - Date.parse(a.record.declaredAt),
  );

  return (
    <>
      <PageHeader
        title="Emergencies"
        description="Emergency releases, worm outbreaks and bad updates. Each has a war room: timeline, response team, checklist and out-of-band tasks."
        actions={
          <>
            {canDeclare ? (
              <Button color="red" leftSection={<IconUrgent size={16} aria-hidden />} onClick={modal.open}>
                Declare emergency
              </Button>
            ) : null}
            <Button
              component={Link}
              to="/tasks"
              variant="default"
              leftSection={<IconClipboardList size={16} aria-hidden />}
            >
              Out-of-band tasks
            </Button>
          </>
        }
      />
      {canDeclare ? (
        access.can("declareEmergency") ? null : (
          <Text size="sm" c="dimmed" mb="md">
            Declaring needs an active emergency-authority grant from the ERT lead.
          </Text>
        )
      ) : (
        <Text size="sm" c="dimmed" mb="md">
          {access.reason("Declaring an emergency", "declareEmergency")}
        </Text>
      )}
      {emergencies.isPending ? (
        <Stack gap="xs" aria-label="Loading the emergencies" aria-busy>
          <Skeleton height={36} />
          <Skeleton height={36} />
          <Skeleton height={36} />
        </Stack>
      ) : emergencies.isError ? (
        <ErrorAlert error={emergencies.error} title="Could not load the emergencies">
          <Button size="xs" mt="sm" variant="default" onClick={() => void emergencies.refetch()}>
            Try again
          </Button>
        </ErrorAlert>
      ) : items.length === 0 ? (
        <Paper withBorder p="xl" ta="center">
          <Text fw={600}>No emergency has been declared</Text>
          <Text size="sm" c="dimmed" mt={4}>
            {canDeclare
              ? "When a release is confirmed as an Emergency, a worm hits an unpatched hole or an update hurts production, declare an emergency to open its war room."
              : "When the ERT lead declares one, its war room appears here."}
          </Text>
        </Paper>
      ) : (
        <ScrollTable minWidth={720} label="Emergencies">
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Emergencies">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Emergency</Table.Th>
                <Table.Th scope="col">Kind</Table.Th>
                <Table.Th scope="col">State</Table.Th>
                <Table.Th scope="col">Declared</Table.Th>
                <Table.Th scope="col">Cases</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <Group gap="xs">
                      <Anchor component={Link} to={`/emergencies/${e.id}`} fw={600}>
                        {e.record.title}
                      </Anchor>
                      {e.record.isDrill ? (
                        <Badge size="sm" variant="light" color="grape" tt="none">
                          Drill
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <EmergencyTypeBadge type={e.record.type} />
                  </Table.Td>
                  <Table.Td>
                    <EmergencyStateBadge state={e.record.state} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(e.record.declaredAt)}</Text>
                    {e.record.closedAt ? (
                      <Text size="xs" c="dimmed">
                        closed {formatDateTime(e.record.closedAt)}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{e.record.caseIds.length}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      <DeclareEmergencyModal opened={opened} onClose={modal.close} />
    </>
  );
}
