import {
  ApplyChecklistBodySchema,
  checklistItemTitles,
  ChecklistItemKeySchema,
  oobMethodLabels,
  oobTaskKindLabels,
  type ChecklistItemKey,
  type ChecklistPreview,
  type OobTaskKind,
  type WarRoom,
} from "@firebreak/domain";
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  List,
  Modal,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { notifications } from "@mantine/notifications";
import { IconChecklist, IconChevronDown, IconChevronRight, IconCircleCheck } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type ReactNode } from "react";
import { Link } from "react-router";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { formatCount, formatDateTime } from "../../../lib/format";
import { fieldErrorsFromZod } from "../../../lib/use-schema-form";
import { caseName } from "../../cases/components/case-card";
import { ProcessErrorAlert } from "../../process/components/refusal-alert";
import { useProcessAccess } from "../../process/process-access";
import { changeLines } from "../checklist-changes";
import { useApplyChecklist } from "../emergencies.mutations";
import { emergencyKeys, emergencyQueries } from "../emergencies.queries";

type Item = ChecklistPreview["plan"]["items"][number];

/** Planned tasks listed at most, per item (slow-link computers can run into thousands). */
const TASKS_LISTED = 50;

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function Disclosure({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div>
      <Button
        size="compact-xs"
        variant="subtle"
        px={4}
        aria-expanded={open}
        aria-controls={id}
        leftSection={open ? <IconChevronDown size={12} aria-hidden /> : <IconChevronRight size={12} aria-hidden />}
        onClick={() => setOpen((o) => !o)}
      >
        {label}
      </Button>
      <div id={id} hidden={!open}>
        {open ? children : null}
      </div>
    </div>
  );
}

function tasksByKind(item: Item): [OobTaskKind, number][] {
  const counts = new Map<OobTaskKind, number>();
  for (const t of item.tasks) counts.set(t.kind, (counts.get(t.kind) ?? 0) + 1);
  return [...counts.entries()];
}

function ChangesCell({ item }: { item: Item }) {
  if (item.changes.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No setting changes
      </Text>
    );
  return (
    <Stack gap={2}>
      <Text size="sm">{plural(item.changes.length, "change")}</Text>
      <Disclosure label={`Show the changes (before → after)`}>
        <Stack gap="xs" mt={4}>
          {item.changes.map((c) => (
            <div key={`${c.entity}:${c.id}`}>
              <Text size="xs" fw={600}>
                {c.summary}
              </Text>
              <List size="xs" spacing={0}>
                {changeLines(c.before, c.after).map((line) => (
                  <List.Item key={line.setting}>
                    {line.setting}: {line.before} → <strong>{line.after}</strong>
                  </List.Item>
                ))}
              </List>
            </div>
          ))}
        </Stack>
      </Disclosure>
    </Stack>
  );
}

function TasksCell({ item }: { item: Item }) {
  if (item.tasks.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No tasks
      </Text>
    );
  return (
    <Stack gap={2}>
      {tasksByKind(item).map(([kind, n]) => (
        <Text size="sm" key={kind}>
          {`${formatCount(n)} × ${oobTaskKindLabels[kind]}`}
        </Text>
      ))}
      <Disclosure label="Show the tasks">
        <List size="xs" spacing={2} mt={4}>
          {item.tasks.slice(0, TASKS_LISTED).map((t) => (
            <List.Item key={`${t.kind}:${t.targetRef.type}:${t.targetRef.id}`}>
              <strong>{t.targetRef.label ?? t.targetRef.id}</strong> — {oobMethodLabels[t.method]}
              {t.dueAt ? `, due ${formatDateTime(t.dueAt)}` : ", due when the emergency closes"}. {t.reason}
            </List.Item>
          ))}
        </List>
        {item.tasks.length > TASKS_LISTED ? (
          <Text size="xs" c="dimmed" mt={4}>
            {`…and ${formatCount(item.tasks.length - TASKS_LISTED)} more; all of them are created on apply.`}
          </Text>
        ) : null}
      </Disclosure>
    </Stack>
  );
}

/** Reason for declining one item, validated with the apply body's schema (at least 5 characters). */
function DeclineModal({
  item,
  onDecline,
  onClose,
}: {
  item: Item;
  onDecline: (reason: string) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();
  const check = (value: string) => {
    const parsed = ApplyChecklistBodySchema.safeParse({ declined: [{ key: item.key, reason: value }] });
    return parsed.success ? undefined : (fieldErrorsFromZod(parsed.error)["declined.0.reason"] ?? "Say why");
  };
  return (
    <Modal opened onClose={onClose} title={`Decline: ${item.title}`} size="lg">
      <form
        noValidate
        aria-label={`Decline ${item.title}`}
        onSubmit={(event) => {
          event.preventDefault();
          const problem = check(reason);
          setError(problem);
          if (!problem) onDecline(reason.trim());
        }}
      >
        <Stack gap="md">
          <Text size="sm">
            Declined items are left out when the checklist is applied; items that depend on them are planned again
            without them. The reason goes into the war-room timeline.
          </Text>
          <Textarea
            label="Why is this item declined?"
            required
            autosize
            minRows={3}
            data-autofocus
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              if (error) setError(check(e.currentTarget.value));
            }}
            error={error}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Decline item</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function declinedOf(value: unknown): { key: string; reason: string }[] {
  return Array.isArray(value)
    ? value.filter(
        (d): d is { key: string; reason: string } =>
          typeof d === "object" && d !== null && typeof (d as { key?: unknown }).key === "string",
      )
    : [];
}

const itemTitle = (key: string) => {
  const k = ChecklistItemKeySchema.safeParse(key);
  return k.success ? checklistItemTitles[k.data] : key;
};

/**
 * The emergency checklist of one case's release: preview every item with its changes and the
 * out-of-band tasks it will create, decline items with a reason, apply the rest in one step.
 */
export function ChecklistPanel({ warRoom }: { warRoom: WarRoom }) {
  const emergencyId = warRoom.emergency.id;
  const queryClient = useQueryClient();
  const access = useProcessAccess();
  const me = warRoom.roster.find((m) => m.userId === access.userId);
  const canApply = access.can("applyChecklist") || me?.authority === "GRANT";
  const closed = warRoom.emergency.record.state === "CLOSED";
  const cases = warRoom.cases;
  const [caseId, setCaseId] = useState<string | null>(cases[0]?.id ?? null);
  const [requested, setRequested] = useState<string | null>(null);
  const [declined, setDeclined] = useState<Partial<Record<ChecklistItemKey, string>>>({});
  const [declining, setDeclining] = useState<Item | null>(null);
  const [confirming, setConfirming] = useState(false);
  const apply = useApplyChecklist(emergencyId);
  const preview = useQuery({
    ...emergencyQueries.checklist(emergencyId, caseId ?? ""),
    enabled: !!caseId && requested === caseId,
  });

  const chooseCase = (id: string | null) => {
    setCaseId(id);
    setRequested(null);
    setDeclined({});
    apply.reset();
  };
  const previewNow = () => {
    if (!caseId) return;
    setDeclined({});
    apply.reset();
    if (requested === caseId) void preview.refetch();
    else setRequested(caseId);
  };

  const p = requested === caseId ? preview.data : undefined;
  // An item still has work only when applying now would change something or create a task for it;
  // once applied, its plan stays "applicable" but the server's `toApply` has nothing left for it.
  const hasWorkLeft = (item: (typeof planItems)[number]) => {
    if (!item.applicable || !p) return false;
    const kinds = new Set(item.tasks.map((t) => t.kind));
    const taskLeft = Object.entries(p.toApply.tasksByKind).some(([kind, n]) => kinds.has(kind as never) && n > 0);
    const changeLeft = item.changes.some((c) => p.toApply.changes.some((w) => w.entity === c.entity && w.id === c.id));
    return taskLeft || changeLeft;
  };
  const planItems = p?.plan.items ?? [];
  const items = planItems.map((i) => (i.applicable && !hasWorkLeft(i) ? { ...i, applicable: false } : i));
  const toApply = items.filter((i) => i.applicable && !declined[i.key]);
  const declinedList = Object.entries(declined).map(([key, reason]) => ({
    key: key as ChecklistItemKey,
    reason: reason ?? "",
  }));
  const applications = warRoom.checklistApplications.filter((a) => a.caseId === caseId);
  const kase = cases.find((c) => c.id === caseId);

  const doApply = () => {
    if (!p) return;
    apply.mutate(
      { caseId: p.caseId, emergencyVersion: p.emergencyVersion, declined: declinedList },
      {
        onSuccess: (result) => {
          setConfirming(false);
          notifications.show({
            color: result.applied ? "green" : "blue",
            title: "Emergency checklist",
            message: result.message,
          });
        },
        onError: () => setConfirming(false),
      },
    );
  };

  return (
    <Card withBorder component="section" aria-labelledby="checklist-heading">
      <Group gap="xs" mb={4}>
        <IconChecklist size={20} aria-hidden />
        <Title order={2} size="h4" id="checklist-heading">
          Emergency checklist
        </Title>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        Mandatory over slow links, infrastructure servers patched by hand, sender restrictions lifted (and restored
        afterwards), Courier for sites the network cannot reach in time, and out-of-band tasks for slow-link computers.
        Preview it, decline what does not fit with a reason, then apply the rest in one reviewed step.
      </Text>
      {cases.length === 0 ? (
        <Text size="sm">This emergency has no case: the checklist is planned for a case&apos;s release.</Text>
      ) : (
        <Stack gap="md">
          <Group align="flex-end" gap="sm" wrap="wrap">
            {cases.length > 1 ? (
              <Select
                label="Release"
                data={cases.map((c) => ({ value: c.id, label: `${caseName(c)} — ${c.title}` }))}
                value={caseId}
                onChange={chooseCase}
                allowDeselect={false}
                w={360}
              />
            ) : (
              <Text size="sm">
                Release: <strong>{kase ? `${caseName(kase)} — ${kase.title}` : ""}</strong>
              </Text>
            )}
            <Button onClick={previewNow} loading={preview.isFetching} variant={p ? "default" : "filled"}>
              {p ? "Preview again" : "Preview checklist"}
            </Button>
          </Group>

          {applications.length > 0 ? (
            <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />} title="Applied">
              <List size="sm" spacing={2}>
                {applications.map((a) => {
                  const d = declinedOf(a.declined);
                  return (
                    <List.Item key={a.id}>
                      {`Applied by ${a.appliedBy} on ${formatDateTime(a.appliedAt)}`}
                      {d.length
                        ? `; declined: ${d.map((x) => `${itemTitle(x.key)} (“${x.reason}”)`).join("; ")}`
                        : "; nothing declined"}
                    </List.Item>
                  );
                })}
              </List>
            </Alert>
          ) : null}

          {requested === caseId && preview.isPending ? (
            <Stack gap="xs" aria-label="Planning the checklist" aria-busy>
              <Skeleton height={24} width="50%" />
              <Skeleton height={120} />
            </Stack>
          ) : requested === caseId && preview.isError ? (
            <ErrorAlert error={preview.error} title="The checklist could not be planned" />
          ) : p ? (
            <Stack gap="md">
              <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
                <div>
                  <Text size="xs" c="dimmed">
                    Deadline ({p.deadlineSource === "SLA_TARGET" ? "the SLA target" : "requested"})
                  </Text>
                  <Text size="sm" fw={600}>
                    {formatDateTime(p.deadline)}
                  </Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Advertisement · package
                  </Text>
                  <Text size="sm" fw={600} ff="monospace">
                    {`${p.advertisementId} · ${p.packageId}`}
                  </Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Package size
                  </Text>
                  <Text size="sm" fw={600}>{`${formatCount(p.plan.summary.packageSizeKB)} KB`}</Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Target computers
                  </Text>
                  <Text size="sm" fw={600}>
                    {formatCount(p.plan.summary.targetComputers)}
                  </Text>
                </div>
              </SimpleGrid>
              <ScrollTable minWidth={760} label="Checklist items">
                <Table verticalSpacing="sm" withTableBorder aria-label="Checklist items to review">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col" w="34%">
                        Item
                      </Table.Th>
                      <Table.Th scope="col">Changes</Table.Th>
                      <Table.Th scope="col">Out-of-band tasks</Table.Th>
                      <Table.Th scope="col" w="22%">
                        Decision
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((item) => {
                      const reason = declined[item.key];
                      return (
                        <Table.Tr key={item.key} bg={reason ? "var(--mantine-color-orange-0)" : undefined}>
                          <Table.Th scope="row" fw={400} style={{ verticalAlign: "top" }}>
                            <Text size="sm" fw={600}>
                              {item.title}
                            </Text>
                            <Text size="xs" c="dimmed">
                              {item.explanation}
                            </Text>
                            {item.notes.map((n) => (
                              <Text size="xs" key={n} mt={2}>
                                {n}
                              </Text>
                            ))}
                          </Table.Th>
                          <Table.Td style={{ verticalAlign: "top" }}>
                            <ChangesCell item={item} />
                          </Table.Td>
                          <Table.Td style={{ verticalAlign: "top" }}>
                            <TasksCell item={item} />
                          </Table.Td>
                          <Table.Td style={{ verticalAlign: "top" }}>
                            {!item.applicable ? (
                              <Badge variant="light" color="gray" tt="none">
                                Nothing to do
                              </Badge>
                            ) : reason ? (
                              <Stack gap={4}>
                                <Badge variant="light" color="orange" tt="none">
                                  Declined
                                </Badge>
                                <Text size="xs">“{reason}”</Text>
                                <Button
                                  size="compact-xs"
                                  variant="default"
                                  aria-label={`Undo decline of ${item.title}`}
                                  onClick={() => setDeclined(({ [item.key]: _, ...rest }) => rest)}
                                >
                                  Undo decline
                                </Button>
                              </Stack>
                            ) : (
                              <Stack gap={4}>
                                <Badge variant="light" color="green" tt="none">
                                  Will be applied
                                </Badge>
                                {canApply && !closed ? (
                                  <Button
                                    size="compact-xs"
                                    variant="default"
                                    aria-label={`Decline: ${item.title}`}
                                    onClick={() => setDeclining(item)}
                                  >
                                    Decline…
                                  </Button>
                                ) : null}
                              </Stack>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
              {p.plan.summary.notes.map((n) => (
                <Text size="sm" key={n}>
                  {n}
                </Text>
              ))}
              {apply.error ? (
                <ProcessErrorAlert
                  error={apply.error}
                  title="The checklist was not applied"
                  onReload={() => {
                    apply.reset();
                    void queryClient.invalidateQueries({ queryKey: emergencyKeys.checklist(emergencyId, p.caseId) });
                  }}
                />
              ) : null}
              {apply.data ? (
                <Alert
                  color={apply.data.applied ? "green" : "blue"}
                  variant="light"
                  title={apply.data.applied ? "Checklist applied" : "Nothing was applied"}
                  role="status"
                >
                  <Text size="sm">{apply.data.message}</Text>
                  {apply.data.changes.length > 0 ? (
                    <List size="xs" mt={4}>
                      {apply.data.changes.map((c) => (
                        <List.Item key={`${c.entity}:${c.id}`}>{c.summary}</List.Item>
                      ))}
                    </List>
                  ) : null}
                  {Object.keys(apply.data.tasksCreated).length > 0 ? (
                    <Button
                      component={Link}
                      to={`/emergencies/${emergencyId}/tasks`}
                      size="xs"
                      variant="default"
                      mt="sm"
                    >
                      Open the out-of-band tasks
                    </Button>
                  ) : null}
                </Alert>
              ) : p.toApply.nothingLeft ? (
                <Alert
                  color="green"
                  variant="light"
                  icon={<IconCircleCheck aria-hidden />}
                  title="Everything is in place"
                >
                  Every change of this checklist is already made and its tasks exist. Nothing is left to apply.
                </Alert>
              ) : closed ? (
                <Text size="sm">The emergency is closed: the checklist can no longer be applied.</Text>
              ) : canApply ? (
                <Group justify="flex-end">
                  <Text size="sm" c="dimmed">
                    {`${plural(toApply.length, "item")} to apply, ${formatCount(declinedList.length)} declined`}
                  </Text>
                  <Button onClick={() => setConfirming(true)} disabled={toApply.length === 0}>
                    Apply checklist…
                  </Button>
                </Group>
              ) : (
                <Text size="sm" c="dimmed">
                  {access.reason("Applying the emergency checklist", "applyChecklist")}
                </Text>
              )}
            </Stack>
          ) : null}
        </Stack>
      )}

      {declining ? (
        <DeclineModal
          item={declining}
          onClose={() => setDeclining(null)}
          onDecline={(reason) => {
            setDeclined((d) => ({ ...d, [declining.key]: reason }));
            setDeclining(null);
          }}
        />
      ) : null}
      {confirming && p ? (
        <Modal opened onClose={() => setConfirming(false)} title="Apply the emergency checklist" size="lg">
          <Stack gap="md">
            <Text size="sm">
              This changes the SMS settings below and creates the out-of-band tasks, in one audited step. Old sender
              settings are saved and a restore task is due when the emergency closes.
            </Text>
            <List size="sm">
              {toApply.map((i) => (
                <List.Item key={i.key}>
                  {`${i.title}: ${plural(i.changes.length, "change")}, ${plural(i.tasks.length, "task")}`}
                </List.Item>
              ))}
            </List>
            {declinedList.length > 0 ? (
              <Text size="sm">
                Declined: {declinedList.map((d) => `${itemTitle(d.key)} (“${d.reason}”)`).join("; ")}
              </Text>
            ) : null}
            {apply.error ? (
              <ProcessErrorAlert
                error={apply.error}
                title="The checklist was not applied"
                onReload={() => setConfirming(false)}
              />
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
              <Button onClick={doApply} loading={apply.isPending} data-autofocus>
                Apply now
              </Button>
            </Group>
          </Stack>
        </Modal>
      ) : null}
    </Card>
  );
}
