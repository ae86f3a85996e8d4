import {
  formatDuration as formatSpan,
  RELEASE_PRIORITIES,
  RELEASE_VEHICLES,
  releasePriorityDescriptions,
  releasePriorityLabels,
  releaseVehicleLabels,
  UpdatePriorityPolicyBodySchema,
  type PriorityPolicy,
  type PriorityPolicyRecord,
  type ReleasePriority,
  type ReleaseVehicle,
} from "@firebreak/domain";
import {
  Alert,
  Button,
  Checkbox,
  Drawer,
  Group,
  List,
  NumberInput,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { formatDateTime } from "../../../lib/format";
import { fieldErrorsFromZod, type FieldErrors } from "../../../lib/use-schema-form";
import { StaleAlert } from "../../fleet/components/stale-alert";
import { isStaleWrite } from "../../fleet/fleet";
import { useProcessAccess } from "../../process/process-access";
import { useSavePriorityPolicy } from "../cases.mutations";
import { policyKeys, policyQueries } from "../cases.queries";

function Hours({ hours }: { hours: number }) {
  return (
    <>
      <Text size="sm" fw={600}>
        {formatSpan(hours * 3_600_000)}
      </Text>
      <Text size="xs" c="dimmed">{`${hours} h`}</Text>
    </>
  );
}

function requirementWords(p: PriorityPolicy[ReleasePriority]): string {
  if (!p) return "—";
  const parts = [
    p.requiresMandatoryAdvert ? "mandatory advertisement" : null,
    p.requiresOnSlowNet ? "also over slow links" : null,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "none";
}

/** The editor: one row per priority, validated with the policy schema (more urgent never slower). */
function PolicyEditor({ record, onDone }: { record: PriorityPolicyRecord; onDone: () => void }) {
  const queryClient = useQueryClient();
  const save = useSavePriorityPolicy();
  const [draft, setDraft] = useState<Record<ReleasePriority, Record<string, unknown>>>(
    () =>
      Object.fromEntries(RELEASE_PRIORITIES.map((p) => [p, { ...record.policy[p] }])) as unknown as Record<
        ReleasePriority,
        Record<string, unknown>
      >,
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (p: ReleasePriority, key: string, value: unknown) =>
    setDraft((d) => ({ ...d, [p]: { ...d[p], [key]: value === "" ? undefined : value } }));

  return (
    <form
      noValidate
      aria-label="Edit the priority time frames"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = UpdatePriorityPolicyBodySchema.safeParse(draft);
        if (!parsed.success) {
          setErrors(fieldErrorsFromZod(parsed.error));
          return;
        }
        setErrors({});
        save.mutate(
          { version: record.version, policy: parsed.data },
          {
            onSuccess: () => {
              notifications.show({
                color: "green",
                title: "Priority policy saved",
                message: "SLA clocks follow the new time frames.",
              });
              onDone();
            },
          },
        );
      }}
    >
      <Stack gap="lg">
        {RELEASE_PRIORITIES.map((p) => (
          <Stack key={p} gap="xs">
            <Text fw={700}>{releasePriorityLabels[p]}</Text>
            <Group grow align="flex-start">
              <NumberInput
                label="Target (hours)"
                min={1}
                allowDecimal={false}
                value={(draft[p].targetHours as number | undefined) ?? ""}
                onChange={(v) => set(p, "targetHours", v)}
                error={errors[`${p}.targetHours`]}
              />
              <NumberInput
                label="Maximum (hours)"
                min={1}
                allowDecimal={false}
                value={(draft[p].maxHours as number | undefined) ?? ""}
                onChange={(v) => set(p, "maxHours", v)}
                error={errors[`${p}.maxHours`]}
              />
            </Group>
            <Select
              label="Preferred vehicle"
              data={RELEASE_VEHICLES.map((v) => ({ value: v, label: releaseVehicleLabels[v] }))}
              value={draft[p].preferredVehicle as ReleaseVehicle}
              allowDeselect={false}
              onChange={(v) => v && set(p, "preferredVehicle", v)}
            />
            <Checkbox
              label="Needs a mandatory advertisement"
              checked={draft[p].requiresMandatoryAdvert === true}
              onChange={(e) => set(p, "requiresMandatoryAdvert", e.currentTarget.checked)}
            />
            <Checkbox
              label="Needs it mandatory over slow links too"
              checked={draft[p].requiresOnSlowNet === true}
              onChange={(e) => set(p, "requiresOnSlowNet", e.currentTarget.checked)}
            />
          </Stack>
        ))}
        {Object.keys(errors).length > 0 ? (
          <Alert color="red" variant="light" role="alert" title="Fix these before saving">
            <List size="sm">
              {Object.entries(errors).map(([k, m]) => (
                <List.Item key={k}>{m}</List.Item>
              ))}
            </List>
          </Alert>
        ) : null}
        {isStaleWrite(save.error) ? (
          <StaleAlert
            onReload={() => {
              save.reset();
              void queryClient.invalidateQueries({ queryKey: policyKeys.all });
              onDone();
            }}
          />
        ) : save.error ? (
          <ErrorAlert error={save.error} title="The policy was not saved" />
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save policy
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The release-priority time frames (C2): read by everyone, edited by the ERT lead. */
export function PriorityPolicyDrawer({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const policy = useQuery({ ...policyQueries.current(), enabled: opened });
  const access = useProcessAccess();
  const [editing, setEditing] = useState(false);
  const close = () => {
    setEditing(false);
    onClose();
  };
  return (
    <Drawer opened={opened} onClose={close} position="right" size="lg" title="Release priority time frames">
      {policy.isPending ? (
        <Skeleton height={200} aria-label="Loading the priority policy" />
      ) : policy.isError ? (
        <ErrorAlert error={policy.error} title="Could not load the priority policy" />
      ) : editing ? (
        <PolicyEditor key={policy.data.version} record={policy.data} onDone={() => setEditing(false)} />
      ) : (
        <Stack gap="md">
          <Text size="sm">
            Every case&apos;s SLA clock runs from the moment its priority was set: the target is the recommended time
            frame, the maximum the longest acceptable delay.
          </Text>
          <Table verticalSpacing="sm" aria-label="Release priority time frames">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Priority</Table.Th>
                <Table.Th scope="col">Target</Table.Th>
                <Table.Th scope="col">Maximum</Table.Th>
                <Table.Th scope="col">Advertisement</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {RELEASE_PRIORITIES.map((p) => {
                const frame = policy.data.policy[p];
                return (
                  <Table.Tr key={p}>
                    <Table.Th scope="row">
                      <Text size="sm" fw={700}>
                        {releasePriorityLabels[p]}
                      </Text>
                      <Text size="xs" c="dimmed" fw={400}>
                        {releasePriorityDescriptions[p]}
                      </Text>
                    </Table.Th>
                    <Table.Td>{frame ? <Hours hours={frame.targetHours} /> : "—"}</Table.Td>
                    <Table.Td>{frame ? <Hours hours={frame.maxHours} /> : "—"}</Table.Td>
                    <Table.Td>{requirementWords(frame)}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Text size="xs" c="dimmed">
            {`Version ${policy.data.version}, last changed ${formatDateTime(policy.data.updatedAt)}${policy.data.updatedBy ? ` by ${policy.data.updatedBy}` : ""}.`}
          </Text>
          {access.can("editPriorityPolicy") ? (
            <Group justify="flex-end">
              <Button onClick={() => setEditing(true)}>Edit time frames</Button>
            </Group>
          ) : (
            <Text size="xs" c="dimmed">
              {access.reason("Changing the time frames", "editPriorityPolicy")}
            </Text>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
