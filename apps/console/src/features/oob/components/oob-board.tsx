import {
  formatDuration as formatSpan,
  isOobTaskClosed,
  OOB_TASK_STATES,
  oobMethodLabels,
  oobTaskKindLabels,
  oobTaskStateLabels,
  type OobTaskRecord,
  type OobTaskState,
} from "@firebreak/domain";
import { Badge, Button, Card, EmptyState, Group, SimpleGrid, Skeleton, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlarm, IconClipboardList, IconUserCheck } from "@tabler/icons-react";
import { useQueries } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { formatCount, formatDateTime } from "../../../lib/format";
import { useProcessAccess } from "../../process/process-access";
import { useNow } from "../../process/use-now";
import { useUpdateOobTask } from "../oob.mutations";
import { oobQueries, type OobTaskFilters } from "../oob.queries";
import { UpdateTaskModal } from "./update-task-modal";

const PAGE_SIZES = [50, 200, 500] as const;

/** Overdue: past its due time and not finished. */
export const isOverdue = (task: OobTaskRecord, now: number): boolean =>
  !!task.record.dueAt && !isOobTaskClosed(task.record.state) && Date.parse(task.record.dueAt) < now;

function dueWords(task: OobTaskRecord, now: number): string {
  const due = task.record.dueAt;
  if (!due) return task.record.kind === "SENDER_RESTORE" ? "Due when the emergency closes" : "No due time";
  const ms = Date.parse(due) - now;
  if (isOobTaskClosed(task.record.state)) return `Was due ${formatDateTime(due)}`;
  return ms < 0
    ? `Overdue by ${formatSpan(ms)} (due ${formatDateTime(due)})`
    : `Due in ${formatSpan(ms)} (${formatDateTime(due)})`;
}

function TaskCard({
  task,
  now,
  canWork,
  me,
  onUpdate,
}: {
  task: OobTaskRecord;
  now: number;
  canWork: boolean;
  me: string;
  onUpdate: (task: OobTaskRecord) => void;
}) {
  const assign = useUpdateOobTask();
  const t = task.record;
  const overdue = isOverdue(task, now);
  const closed = isOobTaskClosed(t.state);
  const target = t.targetRef.label ?? t.targetRef.id;
  const canTake =
    canWork && !closed && t.ownerId !== me && (t.state === "OPEN" || t.state === "ASSIGNED" || t.state === "FAILED");
  return (
    <Card
      withBorder
      padding="sm"
      component="article"
      aria-label={`${oobTaskKindLabels[t.kind]}: ${target}`}
      style={overdue ? { borderLeft: "4px solid var(--mantine-color-red-8)" } : undefined}
    >
      <Stack gap={4}>
        <Badge size="sm" variant="light" color="indigo" tt="none" w="fit-content" maw="100%">
          {oobTaskKindLabels[t.kind]}
        </Badge>
        <Text size="sm" fw={600} style={{ wordBreak: "break-word" }}>
          {target}
        </Text>
        {t.targetRef.label && t.targetRef.label !== t.targetRef.id ? (
          <Text size="xs" c="dimmed" ff="monospace">
            {t.targetRef.id}
          </Text>
        ) : null}
        <Text size="xs">
          <strong>Owner:</strong> {task.ownerName ?? "Nobody yet"}
        </Text>
        <Text size="xs">
          <strong>Method:</strong> {oobMethodLabels[t.method]}
        </Text>
        <Group gap={4} wrap="nowrap" align="flex-start">
          {overdue ? (
            <IconAlarm size={14} color="var(--mantine-color-red-8)" aria-hidden style={{ flexShrink: 0 }} />
          ) : null}
          <Text size="xs" c={overdue ? "red.9" : undefined} fw={overdue ? 700 : undefined}>
            {dueWords(task, now)}
          </Text>
        </Group>
        {t.evidence ? (
          <Text size="xs">
            <strong>Evidence:</strong> {t.evidence}
          </Text>
        ) : null}
        {t.outcomeNote ? (
          <Text size="xs">
            <strong>{t.state === "FAILED" ? "Why it failed" : "Note"}:</strong> {t.outcomeNote}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed" lineClamp={2}>
          {t.reason}
        </Text>
        {canWork && !closed ? (
          <Group gap="xs" mt={4}>
            {canTake ? (
              <Button
                size="compact-xs"
                variant="default"
                leftSection={<IconUserCheck size={12} aria-hidden />}
                loading={assign.isPending}
                onClick={() =>
                  assign.mutate(
                    { task, body: { to: "ASSIGNED", ownerId: me } },
                    {
                      onSuccess: () =>
                        notifications.show({ color: "green", title: "Assigned to you", message: target }),
                    },
                  )
                }
                aria-label={`Assign to me: ${target}`}
              >
                Assign to me
              </Button>
            ) : null}
            <Button
              size="compact-xs"
              variant="light"
              onClick={() => onUpdate(task)}
              aria-label={`Update task: ${target}`}
            >
              Update…
            </Button>
          </Group>
        ) : null}
        {assign.error ? <ErrorAlert error={assign.error} title="Not assigned" /> : null}
      </Stack>
    </Card>
  );
}

/**
 * The out-of-band ledger as a board: one column per state, each loaded on its own (total per
 * column, up to 500 cards), refreshed every 15 s. Overdue tasks are marked with words and an icon.
 */
export function OobBoard({
  filters,
  filtered,
}: {
  filters: Omit<OobTaskFilters, "state" | "pageSize">;
  /** A kind or "only mine" filter is on (the empty state says to clear it). */
  filtered: boolean;
}) {
  const access = useProcessAccess();
  const canWork = access.can("workOobTasks");
  const now = useNow(30_000);
  const [sizes, setSizes] = useState<Partial<Record<OobTaskState, number>>>({});
  const [editing, setEditing] = useState<OobTaskRecord | null>(null);
  const columns = useQueries({
    queries: OOB_TASK_STATES.map((state) =>
      oobQueries.list({ ...filters, state, pageSize: sizes[state] ?? PAGE_SIZES[0] }),
    ),
  });
  const allLoaded = columns.every((c) => c.isSuccess);
  const none = allLoaded && columns.every((c) => c.data?.total === 0);
  if (none)
    return (
      <EmptyState variant="light" color="gray" icon={<IconClipboardList aria-hidden />} my="lg">
        <EmptyState.Title order={2}>
          {filtered ? "No task matches the filters" : "No out-of-band task yet"}
        </EmptyState.Title>
        <EmptyState.Description>
          {filtered
            ? "Clear the kind filter or “Only my tasks” to see the other tasks."
            : "Applying an emergency checklist creates tasks for infrastructure servers to patch by hand, courier parcels, slow-link computers that cannot download in time, and the sender addresses to restore. They appear here."}
        </EmptyState.Description>
      </EmptyState>
    );
  return (
    <>
      {canWork ? null : (
        <Text size="sm" c="dimmed" mb="sm">
          {access.reason("Working out-of-band tasks", "workOobTasks")}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
        {OOB_TASK_STATES.map((state, i) => {
          const column = columns[i];
          const headingId = `oob-column-${state}`;
          const total = column?.data?.total ?? 0;
          const items = column?.data?.items ?? [];
          const size = sizes[state] ?? PAGE_SIZES[0];
          const nextSize = PAGE_SIZES.find((s) => s > size);
          return (
            <Stack
              key={state}
              component="section"
              aria-labelledby={headingId}
              gap="sm"
              p="sm"
              bg="var(--mantine-color-gray-0)"
              style={{ borderRadius: "var(--mantine-radius-md)", alignSelf: "start" }}
            >
              <Group justify="space-between">
                <Title order={2} size="h4" id={headingId}>
                  {oobTaskStateLabels[state]}
                </Title>
                <Badge variant="light" color="gray" aria-label={`${total} tasks`}>
                  {formatCount(total)}
                </Badge>
              </Group>
              {!column || column.isPending ? (
                <Stack gap="xs" aria-label={`Loading ${oobTaskStateLabels[state]} tasks`}>
                  <Skeleton height={90} />
                  <Skeleton height={90} />
                </Stack>
              ) : column.isError ? (
                <ErrorAlert error={column.error} title="Could not load these tasks" />
              ) : items.length === 0 ? (
                <Text size="sm" c="dimmed">
                  None.
                </Text>
              ) : (
                <Stack component="ul" gap="sm" m={0} p={0} style={{ listStyle: "none" }} aria-labelledby={headingId}>
                  {items.map((task) => (
                    <li key={task.id}>
                      <TaskCard task={task} now={now} canWork={canWork} me={access.userId} onUpdate={setEditing} />
                    </li>
                  ))}
                </Stack>
              )}
              {total > items.length ? (
                <Stack gap={4}>
                  <Text size="xs" c="dimmed">{`Showing ${formatCount(items.length)} of ${formatCount(total)}.`}</Text>
                  {nextSize ? (
                    <Button size="xs" variant="default" onClick={() => setSizes((s) => ({ ...s, [state]: nextSize }))}>
                      {`Show up to ${nextSize}`}
                    </Button>
                  ) : (
                    <Text size="xs" c="dimmed">
                      Narrow the board by kind to see the rest.
                    </Text>
                  )}
                </Stack>
              ) : null}
            </Stack>
          );
        })}
      </SimpleGrid>
      {editing ? (
        <UpdateTaskModal key={editing.id} task={editing} me={access.userId} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
