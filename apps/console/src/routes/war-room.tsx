import { OOB_TASK_STATES, oobTaskStateLabels, type EmergencyRecord, type WarRoom } from "@firebreak/domain";
import {
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { ScrollTable } from "../components/ui/scroll-table";
import { notifications } from "@mantine/notifications";
import { IconAlertOctagon, IconArrowLeft, IconClipboardList, IconPlayerPlay } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { caseName } from "../features/cases/components/case-card";
import { ChecklistPanel } from "../features/emergencies/components/checklist-panel";
import { CloseEmergencyModal } from "../features/emergencies/components/close-emergency-modal";
import { EmergencyStateBadge, EmergencyTypeBadge } from "../features/emergencies/components/emergency-badges";
import { NoteForm } from "../features/emergencies/components/note-form";
import { expiryWords, RosterCard } from "../features/emergencies/components/roster-card";
import { HaltAlerts } from "../features/halts/components/halt-alerts";
import { useActivateEmergency } from "../features/emergencies/emergencies.mutations";
import { emergencyQueries, WAR_ROOM_POLL_MS } from "../features/emergencies/emergencies.queries";
import { navItemFor } from "../features/navigation/navigation";
import {
  CaseStateBadge,
  PriorityBadge,
  SlaClock,
  VendorSeverityBadge,
} from "../features/process/components/process-badges";
import { newestFirst, TimelineList } from "../features/process/components/timeline-list";
import { useProcessAccess } from "../features/process/process-access";
import { useNow } from "../features/process/use-now";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

const item = navItemFor("/emergencies");

export const warRoomLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    await queryClient.ensureQueryData(emergencyQueries.warRoom(params.emergencyId ?? ""));
    return null;
  };

function CasesCard({ warRoom, now }: { warRoom: WarRoom; now: number }) {
  return (
    <Card withBorder component="section" aria-labelledby="war-cases-heading">
      <Title order={2} size="h4" id="war-cases-heading" mb="sm">
        Cases and SLA clocks
      </Title>
      {warRoom.cases.length === 0 ? (
        <Text size="sm" c="dimmed">
          No case is linked to this emergency.
        </Text>
      ) : (
        <ScrollTable minWidth={680} label="Cases and SLA clocks">
          <Table verticalSpacing="sm" aria-labelledby="war-cases-heading">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Case</Table.Th>
                <Table.Th scope="col">State and priority</Table.Th>
                <Table.Th scope="col">SLA clock</Table.Th>
                <Table.Th scope="col">Tests and alerts</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {warRoom.cases.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td style={{ verticalAlign: "top" }}>
                    <Anchor component={Link} to={`/triage/cases/${c.id}`} fw={600} size="sm">
                      {caseName(c)}
                    </Anchor>
                    <Text size="xs">{c.title}</Text>
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: "top" }}>
                    <Stack gap={4} align="flex-start">
                      <CaseStateBadge status={c.status} size="sm" />
                      <PriorityBadge priority={c.priority} confirmed={c.priorityConfirmed} size="sm" />
                      <VendorSeverityBadge severity={c.vendorSeverity} size="sm" />
                    </Stack>
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: "top" }}>
                    <SlaClock clock={c.sla} now={now} />
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: "top" }}>
                    <Text size="sm">
                      {c.openTests === 0 ? "No open test" : `${c.openTests} open test${c.openTests === 1 ? "" : "s"}`}
                    </Text>
                    {c.alerts.map((a) => (
                      <Group key={a} gap={4} wrap="nowrap" align="flex-start">
                        <IconAlertOctagon size={14} aria-hidden color="var(--mantine-color-red-8)" />
                        <Text size="xs" c="red.9" fw={600}>
                          Alert: {a}
                        </Text>
                      </Group>
                    ))}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Card>
  );
}

function TaskCountsCard({ warRoom }: { warRoom: WarRoom }) {
  const total = Object.values(warRoom.oobTaskCounts).reduce((n, c) => n + c, 0);
  return (
    <Card withBorder component="section" aria-labelledby="war-tasks-heading">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="war-tasks-heading">
          Out-of-band tasks
        </Title>
        <Badge variant="light" color="gray">
          {total}
        </Badge>
      </Group>
      {total === 0 ? (
        <Text size="sm" c="dimmed" mb="sm">
          None yet. Applying the checklist creates them for infrastructure servers, courier parcels, slow-link computers
          and the sender addresses to restore.
        </Text>
      ) : (
        <SimpleGrid cols={3} spacing="xs" mb="sm">
          {OOB_TASK_STATES.map((s) => (
            <div key={s}>
              <Text size="xl" fw={700} lh={1.1}>
                {warRoom.oobTaskCounts[s] ?? 0}
              </Text>
              <Text size="xs" c="dimmed">
                {oobTaskStateLabels[s]}
              </Text>
            </div>
          ))}
        </SimpleGrid>
      )}
      <Button
        component={Link}
        to={`/emergencies/${warRoom.emergency.id}/tasks`}
        variant="default"
        size="xs"
        leftSection={<IconClipboardList size={14} aria-hidden />}
      >
        Open the task board
      </Button>
    </Card>
  );
}

export function WarRoomRoute() {
  const { emergencyId = "" } = useParams();
  const {
    data: warRoom,
    isFetching,
    dataUpdatedAt,
    isError,
    error,
  } = useSuspenseQuery(emergencyQueries.warRoom(emergencyId));
  const now = useNow(15_000);
  const access = useProcessAccess();
  const activate = useActivateEmergency();
  // The version read when the dialog opened goes with the close (If-Match), not a later poll's.
  const [closing, setClosing] = useState<EmergencyRecord | null>(null);
  const e = warRoom.emergency;
  const me = warRoom.roster.find((m) => m.userId === access.userId);
  const hasAuthority = me?.authority != null || access.can("closeEmergency");
  const open = e.record.state !== "CLOSED";
  const latest = newestFirst(warRoom.timeline)[0];
  const holders = warRoom.roster
    .filter((m) => m.authority)
    .map((m) =>
      m.authority === "LEAD"
        ? `${m.displayName} (ERT lead)`
        : `${m.displayName} (grant, ${m.grantExpiresAt ? expiryWords(m.grantExpiresAt, now) : "active"})`,
    );
  const caseLabels = new Map(warRoom.cases.map((c) => [c.id, c.kbNumber]));

  return (
    <>
      <PageHeader
        title={e.record.title}
        description={
          <Group gap="xs" component="span" wrap="wrap">
            <EmergencyTypeBadge type={e.record.type} />
            <EmergencyStateBadge state={e.record.state} />
            {e.record.isDrill ? (
              <Badge variant="light" color="grape" tt="none">
                Drill
              </Badge>
            ) : null}
            <Text span size="sm">
              {`Declared ${formatDateTime(e.record.declaredAt)}`}
              {e.record.closedAt ? ` · closed ${formatDateTime(e.record.closedAt)}` : ""}
              {holders.length ? ` · Authority: ${holders.join(", ")}` : ""}
            </Text>
          </Group>
        }
        actions={
          <>
            <Button
              component={Link}
              to="/emergencies"
              variant="default"
              leftSection={<IconArrowLeft size={16} aria-hidden />}
            >
              All emergencies
            </Button>
            {open && hasAuthority && e.record.state === "DECLARED" ? (
              <Button
                variant="light"
                leftSection={<IconPlayerPlay size={16} aria-hidden />}
                loading={activate.isPending}
                onClick={() =>
                  activate.mutate(e, {
                    onSuccess: () =>
                      notifications.show({ color: "green", title: "Response under way", message: e.record.title }),
                  })
                }
              >
                Mark response under way
              </Button>
            ) : null}
            {open && hasAuthority ? (
              <Button color="red" variant="outline" onClick={() => setClosing(e)}>
                Close emergency…
              </Button>
            ) : null}
          </>
        }
      />
      <Stack gap="lg">
        {open ? <HaltAlerts fleetId={e.fleetId} /> : null}
        {open && !hasAuthority ? (
          <Text size="sm" c="dimmed">
            {access.reason("Closing the emergency", "closeEmergency")}
          </Text>
        ) : null}
        {e.record.closingSummary ? (
          <Card withBorder>
            <Text size="sm" fw={600}>
              Closing summary
            </Text>
            <Text size="sm">{e.record.closingSummary}</Text>
          </Card>
        ) : null}
        {activate.error ? <ErrorAlert error={activate.error} title="The response was not marked as under way" /> : null}
        <Group gap="xs">
          {isFetching ? <Loader size="xs" aria-hidden /> : null}
          <Text size="xs" c="dimmed">
            {`Live: refreshes every ${WAR_ROOM_POLL_MS / 1000} s · last update ${formatDateTime(new Date(dataUpdatedAt).toISOString())}`}
          </Text>
          {isError ? (
            <Text size="xs" c="red.9" fw={600} role="status">
              {`Updates paused: ${error instanceof Error ? error.message : "the server did not answer"}. Retrying.`}
            </Text>
          ) : null}
        </Group>
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <CasesCard warRoom={warRoom} now={now} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <TaskCountsCard warRoom={warRoom} />
          </Grid.Col>
        </Grid>
        <ChecklistPanel warRoom={warRoom} />
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <Card withBorder component="section" aria-labelledby="war-timeline-heading">
              <Title order={2} size="h4" id="war-timeline-heading" mb="sm">
                Timeline
              </Title>
              <VisuallyHidden aria-live="polite" aria-atomic>
                {latest ? `Latest event: ${latest.summary}` : ""}
              </VisuallyHidden>
              {access.can("addTimelineNote") && open ? (
                <Stack mb="md">
                  <NoteForm emergencyId={e.id} />
                </Stack>
              ) : null}
              <TimelineList
                entries={warRoom.timeline}
                label="War-room timeline, newest first"
                caseLabels={caseLabels}
              />
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <RosterCard warRoom={warRoom} now={now} />
          </Grid.Col>
        </Grid>
      </Stack>
      {closing ? <CloseEmergencyModal emergency={closing} onClose={() => setClosing(null)} /> : null}
    </>
  );
}
