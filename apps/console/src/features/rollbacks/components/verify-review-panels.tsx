import {
  REMAINING_GROUPS,
  VERIFY_GROUPS,
  caseStateLabels,
  oobTaskStateLabels,
  verifyGroupDescriptions,
  verifyGroupLabels,
  type RollbackDetail,
  type RollbackVerification,
  type VerifyGroup,
  type VerifyGroupCounts,
} from "@firebreak/domain";
import { Alert, Anchor, Button, Group, List, Loader, Stack, Table, Text } from "@mantine/core";
import { IconChartLine, IconListCheck, IconRefresh } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { formatCount, formatDateTime } from "../../../lib/format";
import { rollbackQueries } from "../rollbacks.queries";
import { personName } from "./people";
import { RollbackActionButton } from "./rollback-action";
import { SectionCard } from "./section-card";

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

const groupsOf = (v: RollbackVerification): VerifyGroupCounts => ({
  REMOVED: v.removed,
  NOT_AFFECTED: v.notAffected,
  SETTLED_BY_OOB: v.settledByOob,
  AWAITING_SCAN: v.awaitingScan,
  IN_PROGRESS: v.inProgress,
  FAILED: v.failed,
  UNREACHABLE: v.unreachable,
});

/** Where the targeted computers stand, one row per group, with what each means. */
function GroupsTable({ label, groups }: { label: string; groups: VerifyGroupCounts }) {
  return (
    <ScrollTable minWidth={520} label={label}>
      <Table striped aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Computers</Table.Th>
            <Table.Th scope="col">Count</Table.Th>
            <Table.Th scope="col">What it means</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {VERIFY_GROUPS.map((g: VerifyGroup) => (
            <Table.Tr key={g}>
              <Table.Th scope="row" fw={REMAINING_GROUPS.includes(g) && groups[g] > 0 ? 700 : 500}>
                {verifyGroupLabels[g]}
              </Table.Th>
              <Table.Td>{formatCount(groups[g])}</Table.Td>
              <Table.Td>
                <Text size="xs">{verifyGroupDescriptions[g]}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

/** What verification would find now: read on demand, not with the 30-second refresh. */
function VerificationPreview({ detail }: { detail: RollbackDetail }) {
  const grace = detail.record.verifications.at(-1)?.graceHours ?? null;
  const q = useQuery(rollbackQueries.verification(detail.id, grace));
  return (
    <Stack gap={6} role="group" aria-label="Where the targeted computers stand now">
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={600}>
          Where the targeted computers stand now
        </Text>
        <Button
          size="xs"
          variant="subtle"
          leftSection={q.isFetching ? <Loader size={12} /> : <IconRefresh size={14} aria-hidden />}
          onClick={() => void q.refetch()}
          disabled={q.isFetching}
        >
          Refresh
        </Button>
      </Group>
      {q.data ? (
        <>
          <Text size="sm">
            {`${plural(q.data.targeted, "computer")} targeted; ${formatCount(q.data.remaining)} still to go, of which ${formatCount(q.data.neverReported)} never reported to compliance since the advertisement. Verifying now would create ${plural(q.data.tasksToCreate, "task")} and close ${plural(q.data.tasksToClose, "task")}. Silent computers count as unreachable from ${formatDateTime(q.data.graceEndsAt)} (grace window ${q.data.graceHours} h).`}
          </Text>
          <GroupsTable label="Targeted computers now" groups={q.data.groups} />
        </>
      ) : q.error ? (
        <Text size="sm" c="red.9">
          The current figures could not be read; verify to see them.
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          Reading the targeted computers…
        </Text>
      )}
    </Stack>
  );
}

/**
 * Monitor and verify: compliance must show the update gone from the targeted computers (as they
 * were when it was advertised). Failed and unreachable ones become out-of-band tasks; those still
 * running or awaiting a compliance scan do not. Verification can be repeated.
 */
export function VerifyPanel({ detail }: { detail: RollbackDetail }) {
  const r = detail.record;
  const last = r.verifications.at(-1);
  const d = r.deployment;
  const taskTotal = Object.values(detail.oobTaskCounts).reduce((a, b) => a + (b ?? 0), 0);
  const tasksLink = detail.emergencyId
    ? `/emergencies/${encodeURIComponent(detail.emergencyId)}/tasks`
    : "/tasks?kind=ROLLBACK_UNREACHABLE";
  const current = detail.status === "DEPLOYING" || detail.status === "PARTIAL";
  return (
    <SectionCard
      id="verify"
      title="Monitor and verify"
      current={current}
      done={detail.status === "COMPLETED" || r.review !== null}
    >
      <Stack gap="sm">
        {!d ? (
          <Text size="sm" c="dimmed">
            Nothing to verify yet: the rollback is not advertised.
          </Text>
        ) : (
          <Group gap="md">
            <Button
              component={Link}
              to={`/deployments/${encodeURIComponent(d.advertisementId)}`}
              variant="light"
              leftSection={<IconChartLine size={16} aria-hidden />}
            >
              {`Live monitor of ${d.advertisementId}`}
            </Button>
            {taskTotal > 0 ? (
              <Button
                component={Link}
                to={tasksLink}
                variant="default"
                leftSection={<IconListCheck size={16} aria-hidden />}
              >
                Out-of-band tasks
              </Button>
            ) : null}
          </Group>
        )}
        {current && d ? <VerificationPreview detail={detail} /> : null}
        {last ? (
          <Alert
            color={last.outcome === "COMPLETED" ? "green" : "orange"}
            variant="light"
            title={
              last.outcome === "COMPLETED"
                ? `${detail.kbNumber} is gone from every targeted computer`
                : `${plural(last.remaining, "computer")} still ${last.remaining === 1 ? "has" : "have"} ${detail.kbNumber}`
            }
          >
            <Stack gap={6}>
              <Text size="sm">
                {`Last verified ${formatDateTime(last.at)} by ${personName(detail, last.by)}: ${plural(last.targeted, "computer")} targeted, ${formatCount(last.removed)} without the update by compliance, ${formatCount(last.settledByOob)} settled by out-of-band tasks${last.neverReported > 0 ? `; ${formatCount(last.neverReported)} never reported since the advertisement` : ""}${last.tasksCreated > 0 ? `; ${plural(last.tasksCreated, "task")} created` : ""}${last.tasksClosed > 0 ? `; ${plural(last.tasksClosed, "task")} closed as not needed` : ""}.`}
              </Text>
              <GroupsTable label="Targeted computers at the last verification" groups={groupsOf(last)} />
            </Stack>
          </Alert>
        ) : null}
        {detail.oobTasks.length > 0 ? (
          <>
            <Text size="sm" fw={600}>
              Computers left to roll back by hand (out-of-band tasks)
            </Text>
            <ScrollTable minWidth={480} label="Computers left to roll back by hand">
              <Table striped aria-label="Computers left to roll back by hand">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Computer</Table.Th>
                    <Table.Th scope="col">Task</Table.Th>
                    <Table.Th scope="col">Due</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {detail.oobTasks.map((t) => (
                    <Table.Tr key={t.id}>
                      <Table.Td>{t.computerName ?? `Resource ${t.resourceId}`}</Table.Td>
                      <Table.Td>{oobTaskStateLabels[t.state]}</Table.Td>
                      <Table.Td>{t.dueAt ? formatDateTime(t.dueAt) : "No fixed time"}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
            {taskTotal > detail.oobTasks.length ? (
              <Text size="xs" c="dimmed">
                {`Showing ${formatCount(detail.oobTasks.length)} of ${plural(taskTotal, "task")}, open ones first.`}
              </Text>
            ) : null}
          </>
        ) : null}
        {r.verifications.length > 1 ? (
          <List size="xs" spacing={2} aria-label="Earlier verifications">
            {r.verifications.slice(0, -1).map((v) => (
              <List.Item key={v.at}>
                {`${formatDateTime(v.at)}: ${v.outcome === "COMPLETED" ? "completed" : `${v.remaining} remaining (${v.failed} failed, ${v.unreachable} unreachable)`}, ${v.tasksCreated} tasks created, ${v.tasksClosed} closed`}
              </List.Item>
            ))}
          </List>
        ) : null}
        <RollbackActionButton detail={detail} action="verify" label={last ? "Verify again" : undefined} />
      </Stack>
    </SectionCard>
  );
}

/** Review, close, or cancel before advertising. */
export function ReviewPanel({ detail }: { detail: RollbackDetail }) {
  const r = detail.record;
  return (
    <SectionCard
      id="review"
      title="Review and close"
      current={detail.status === "COMPLETED" || detail.status === "REVIEWED" || detail.status === "ALT_RECOVERY"}
      done={detail.status === "CLOSED"}
    >
      <Stack gap="sm">
        {detail.status === "PARTIAL" ? (
          <Text size="sm">
            Computers still have the update: verify again once they are settled, or review now with a note on the
            outcome. Closing the rollback then marks the update&apos;s case rolled back with that note.
          </Text>
        ) : null}
        {r.review ? (
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {`Review by ${personName(detail, r.review.reviewedBy)} on ${formatDateTime(r.review.reviewedAt)}: ${r.review.text}`}
          </Text>
        ) : null}
        {r.review?.outcomeNote ? (
          <Text size="sm">
            {`Outcome${r.review.remainingAtReview !== null ? ` with ${plural(r.review.remainingAtReview, "computer")} left` : ""}: ${r.review.outcomeNote}`}
          </Text>
        ) : null}
        {r.closedAt ? (
          <Text size="sm">{`Closed on ${formatDateTime(r.closedAt)}${r.closeNote ? `: ${r.closeNote}` : "."}`}</Text>
        ) : null}
        {r.cancellation ? (
          <Text size="sm">{`Cancelled by ${personName(detail, r.cancellation.cancelledBy)} on ${formatDateTime(r.cancellation.cancelledAt)}: ${r.cancellation.reason}`}</Text>
        ) : null}
        <Group gap="md" align="flex-start">
          <RollbackActionButton detail={detail} action="review" />
          <RollbackActionButton detail={detail} action="close" />
          <RollbackActionButton detail={detail} action="cancel" />
        </Group>
        {detail.case ? (
          <Text size="sm">
            {"The update's case: "}
            <Anchor component={Link} to={`/triage/cases/${encodeURIComponent(detail.case.id)}`}>
              {`open the case (${caseStateLabels[detail.case.status].toLowerCase()})`}
            </Anchor>
          </Text>
        ) : null}
      </Stack>
    </SectionCard>
  );
}
