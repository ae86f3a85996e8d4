import {
  drillRoleLabels,
  formatDuration,
  injectKindLabels,
  roleLabels,
  type DrillActionBody,
  type DrillDetail,
} from "@firebreak/domain";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { IconPlayerPause, IconPlayerPlay, IconPlayerStop, IconRun } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link, useNavigate, useParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { ScrollTable } from "../components/ui/scroll-table";
import { useDrillAction, useJoinDrill } from "../features/drills/drills.mutations";
import { drillQueries } from "../features/drills/drills.queries";
import { navItemFor } from "../features/navigation/navigation";
import { requirePermission } from "../features/session/session.guards";
import { useSignedInSession } from "../features/session/use-session";
import { formatDateTime } from "../lib/format";
import { DrillStateBadge } from "./drills";

const item = navItemFor("/drills");

export const drillLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    void queryClient.prefetchQuery(drillQueries.detail(params.drillId ?? ""));
    return null;
  };

const minutes = (ms: number) => `${Math.floor(ms / 60_000)} min`;
/** The domain's cancel action needs a reason of at least this many characters. */
const MIN_CANCEL_REASON = 5;

function DrillClock({ drill }: { drill: DrillDetail }) {
  const c = drill.clock;
  if (!c) return <Text>The drill has not started. Scheduled for {formatDateTime(drill.scheduledStart)}.</Text>;
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }}>
      <div>
        <Text size="sm" c="dimmed">
          Drill time (pauses excluded)
        </Text>
        <Text fw={700} size="xl">
          {minutes(c.drillMs)} of {c.durationMinutes} min{c.paused ? " — paused" : ""}
        </Text>
      </div>
      <div>
        <Text size="sm" c="dimmed">
          Sandbox time (× {c.timeScale})
        </Text>
        <Text fw={700} size="xl">
          {formatDuration(c.simMs)} simulated
        </Text>
      </div>
      <div>
        <Text size="sm" c="dimmed">
          Sandbox coverage
        </Text>
        <Text fw={700} size="xl">
          {drill.sandbox?.latestCoveragePct == null
            ? "No advertisement yet"
            : `${drill.sandbox.latestCoveragePct.toFixed(1)} %`}
        </Text>
      </div>
    </SimpleGrid>
  );
}

export function DrillRoute() {
  const { drillId = "" } = useParams();
  const drill = useQuery(drillQueries.detail(drillId));
  const action = useDrillAction();
  const join = useJoinDrill();
  const navigate = useNavigate();
  const session = useSignedInSession();
  const [reason, setReason] = useState("");

  if (drill.isPending) return <Skeleton height={300} aria-label="Loading the drill" />;
  if (drill.isError)
    return (
      <ErrorAlert error={drill.error} title="Could not load the drill">
        Go back to{" "}
        <Anchor component={Link} to="/drills">
          the drills
        </Anchor>{" "}
        and open it again.
      </ErrorAlert>
    );
  const d = drill.data;
  // The umpire watches the sandbox: there is nothing to join (no acknowledgement is timed).
  const isUmpire = d.umpireId === session.user.id;
  const allowed = (a: string) => d.availableActions.find((x) => x.action === a);
  const run = (body: DrillActionBody) => action.mutate({ drill: d, action: body });
  const cancelReasonMissing = reason.trim().length < MIN_CANCEL_REASON;
  const button = (
    a: DrillActionBody["type"],
    label: string,
    body: DrillActionBody,
    icon?: ReactNode,
    color?: string,
    blocked?: string,
  ) => {
    const av = allowed(a);
    if (!av) return null;
    const why = av.reason ?? blocked;
    return (
      <Button
        key={a}
        leftSection={icon}
        color={color}
        disabled={!av.enabled || !!blocked}
        title={why}
        aria-describedby={why ? "drill-action-reasons" : undefined}
        onClick={() => run(body)}
        loading={action.isPending && action.variables?.action.type === a}
      >
        {label}
      </Button>
    );
  };
  // Why a button is disabled, as text (a title alone is not read on touch screens or by every reader).
  const reasons = [
    ...new Set([
      ...d.availableActions.flatMap((a) => (!a.enabled && a.reason ? [a.reason] : [])),
      ...(allowed("cancel")?.enabled && cancelReasonMissing
        ? [`Cancel drill needs a reason of at least ${MIN_CANCEL_REASON} characters in the box above.`]
        : []),
    ]),
  ];
  const preparing = d.sandbox?.status === "PREPARING";

  return (
    <>
      <PageHeader
        title={d.title}
        description={
          <Group gap="xs">
            <DrillStateBadge state={d.state} />
            <Text component="span">
              {d.scenarioName} · umpire {d.umpireName}
            </Text>
          </Group>
        }
        actions={
          <>
            {d.canJoin ? (
              // The banner's yellow: orange with white text is below the AA contrast ratio.
              <Button
                color="yellow.4"
                c="dark.9"
                leftSection={<IconRun size={16} aria-hidden />}
                loading={join.isPending}
                onClick={() =>
                  join.mutate(d.id, {
                    onSuccess: (j) => void navigate(j.emergencyId ? `/emergencies/${j.emergencyId}` : "/triage"),
                  })
                }
              >
                {d.joined || isUmpire ? "Work in the sandbox" : "Join drill"}
              </Button>
            ) : null}
            {d.startedAt ? (
              <Button component={Link} to={`/drills/${d.id}/report`} variant="default">
                Report
              </Button>
            ) : null}
          </>
        }
      />
      <Stack gap="lg">
        {d.warnings.map((w) => (
          <Alert key={w} color="yellow" title="Note">
            {w}
          </Alert>
        ))}
        {action.isError ? <ErrorAlert error={action.error} title="The drill did not change" /> : null}
        {join.isError ? <ErrorAlert error={join.error} title="Could not join the drill" /> : null}
        <Card withBorder component="section" aria-labelledby="clock-heading">
          <Title order={2} size="h4" id="clock-heading" mb="sm">
            Clock
          </Title>
          <DrillClock drill={d} />
          {preparing ? (
            <Alert color={d.sandbox?.prepareError ? "red" : "blue"} mt="sm" title="Preparing the sandbox fleet">
              The drill player is importing the scenario&apos;s simulated fleet; its sites and computers appear in the
              sandbox within a few seconds. The drill clock is already running.
              {d.sandbox?.prepareError
                ? ` The last attempt failed (${d.sandbox.prepareError}); it is tried again.`
                : ""}
            </Alert>
          ) : null}
          {d.availableActions.length > 0 ? (
            <Stack gap="xs" mt="md">
              <TextInput
                label="Reason (for pause, end or cancel)"
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                maw={480}
              />
              <Group gap="sm">
                {button("start", "Start drill", { type: "start" }, <IconPlayerPlay size={16} aria-hidden />)}
                {button(
                  "pause",
                  "Pause",
                  { type: "pause", ...(reason ? { reason } : {}) },
                  <IconPlayerPause size={16} aria-hidden />,
                )}
                {button("resume", "Resume", { type: "resume" }, <IconPlayerPlay size={16} aria-hidden />)}
                {button(
                  "end",
                  "End drill",
                  { type: "end", ...(reason ? { reason } : {}) },
                  <IconPlayerStop size={16} aria-hidden />,
                  "red",
                )}
                {button(
                  "cancel",
                  "Cancel drill",
                  { type: "cancel", reason },
                  undefined,
                  "gray",
                  cancelReasonMissing
                    ? `Write why the drill is cancelled (at least ${MIN_CANCEL_REASON} characters).`
                    : undefined,
                )}
              </Group>
              {reasons.length > 0 ? (
                <Stack gap={2} id="drill-action-reasons">
                  {reasons.map((r) => (
                    <Text key={r} size="sm" c="dimmed">
                      {r}
                    </Text>
                  ))}
                </Stack>
              ) : null}
            </Stack>
          ) : null}
        </Card>
        <Card withBorder component="section" aria-labelledby="injects-heading">
          <Title order={2} size="h4" id="injects-heading" mb="sm">
            Injects
          </Title>
          {!d.isRunner && d.injects.some((i) => i.sealed) ? (
            <Text size="sm" mb="xs">
              You take part in this drill: each inject is revealed when it fires.
            </Text>
          ) : null}
          <ScrollTable minWidth={640} label="Injects">
            <Table aria-label="Injects">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Minute</Table.Th>
                  <Table.Th scope="col">Inject</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Action</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.injects.map((i) => (
                  <Table.Tr key={i.injectId}>
                    <Table.Td>{i.atMinute}</Table.Td>
                    <Table.Td>
                      <Text fw={600}>{i.title}</Text>
                      <Text size="sm">{i.kind ? `${injectKindLabels[i.kind]}: ${i.detail}` : i.detail}</Text>
                      {i.simulationNote ? (
                        <Text size="xs" c="dimmed">
                          {i.simulationNote}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      {i.status === "FIRED" ? (
                        <Badge color="green" variant="light" tt="none">
                          Fired {i.firedAt ? formatDateTime(i.firedAt) : ""}
                          {i.early ? " (early)" : ""}
                        </Badge>
                      ) : i.status === "DUE" ? (
                        <Badge color="orange" variant="light" tt="none">
                          Due now
                        </Badge>
                      ) : (
                        <Text size="sm">{i.dueAt ? `Due ${formatDateTime(i.dueAt)}` : "Upcoming"}</Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {i.status !== "FIRED" && allowed("fireInject") ? (
                        <Button
                          size="xs"
                          variant="default"
                          disabled={!allowed("fireInject")?.enabled}
                          onClick={() => run({ type: "fireInject", injectId: i.injectId })}
                        >
                          Fire now<VisuallyHidden>: {i.title}</VisuallyHidden>
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        </Card>
        <Card withBorder component="section" aria-labelledby="people-heading">
          <Title order={2} size="h4" id="people-heading" mb="sm">
            Participants
          </Title>
          <Table aria-label="Participants">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Person</Table.Th>
                <Table.Th scope="col">Drill role</Table.Th>
                <Table.Th scope="col">Joined</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.participants.map((p) => (
                <Table.Tr key={p.userId}>
                  <Table.Td>
                    {p.displayName}
                    {p.role ? ` (${roleLabels[p.role]})` : ""}
                  </Table.Td>
                  <Table.Td>{p.umpire ? "Umpire" : p.drillRole ? drillRoleLabels[p.drillRole] : "—"}</Table.Td>
                  <Table.Td>{p.umpire ? "—" : p.joinedAt ? formatDateTime(p.joinedAt) : "Not yet"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      </Stack>
    </>
  );
}
