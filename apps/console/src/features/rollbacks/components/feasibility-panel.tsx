import {
  alternativeRecoveryDescriptions,
  alternativeRecoveryLabels,
  rollbackabilityLabels,
  rollbackVerdictLabels,
  type OrderedUpdate,
  type RollbackDetail,
} from "@firebreak/domain";
import { Alert, Group, List, Stack, Table, Text } from "@mantine/core";
import { IconAlertTriangle, IconArrowsSort, IconCircleCheck, IconHandStop } from "@tabler/icons-react";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { formatCount, formatDateTime } from "../../../lib/format";
import { RollbackActionButton } from "./rollback-action";
import { SectionCard } from "./section-card";

function OrderTable({ label, updates }: { label: string; updates: readonly OrderedUpdate[] }) {
  return (
    <ScrollTable minWidth={560} label={label}>
      <Table striped aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Order</Table.Th>
            <Table.Th scope="col">Update</Table.Th>
            <Table.Th scope="col">Released</Table.Th>
            <Table.Th scope="col">Why</Table.Th>
            <Table.Th scope="col">Removal</Table.Th>
            <Table.Th scope="col">Computers with both</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {updates.map((u, i) => (
            <Table.Tr key={u.kbNumber}>
              <Table.Td>{i + 1}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {u.kbNumber}
                </Text>
                <Text size="xs" c="dimmed">
                  {u.title}
                </Text>
              </Table.Td>
              <Table.Td>{formatDateTime(u.releasedAt)}</Table.Td>
              <Table.Td>{u.reasons.join(" ")}</Table.Td>
              <Table.Td>{rollbackabilityLabels[u.rollbackability]}</Table.Td>
              <Table.Td>{u.installedOn === null ? "Not known" : formatCount(u.installedOn)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

/**
 * Whether the update can be removed (domain.md §6): a stop with the reason and the alternatives,
 * or the removal order when later updates replace the same files.
 */
export function FeasibilityPanel({ detail }: { detail: RollbackDetail }) {
  const a = detail.record.assessment;
  const stopped = !a.feasible;
  return (
    <SectionCard id="feasibility" title="Feasibility" current={detail.status === "NOT_FEASIBLE"}>
      <Stack gap="sm">
        {stopped ? (
          <Alert
            color="red"
            variant="light"
            icon={<IconHandStop aria-hidden />}
            title="This update cannot be rolled back"
          >
            <Stack gap="xs">
              <Text size="sm">{a.reason}</Text>
              <Text size="sm" fw={600}>
                Recover the affected computers another way:
              </Text>
              <List size="sm" spacing={4}>
                {a.alternatives.map((alt) => (
                  <List.Item key={alt}>
                    <strong>{alternativeRecoveryLabels[alt]}</strong> — {alternativeRecoveryDescriptions[alt]}
                  </List.Item>
                ))}
              </List>
            </Stack>
          </Alert>
        ) : a.verdict === "ORDER_SENSITIVE" ? (
          <Alert
            color="orange"
            variant="light"
            icon={<IconArrowsSort aria-hidden />}
            title={rollbackVerdictLabels.ORDER_SENSITIVE}
          >
            <Text size="sm">{a.reason}</Text>
          </Alert>
        ) : a.verdict === "UNKNOWN" ? (
          <Alert
            color="yellow"
            variant="light"
            icon={<IconAlertTriangle aria-hidden />}
            title={rollbackVerdictLabels.UNKNOWN}
          >
            <Text size="sm">Check the bulletin&apos;s removal section before the rollback package is built.</Text>
          </Alert>
        ) : (
          <Group gap="xs" wrap="nowrap">
            <IconCircleCheck size={18} color="var(--mantine-color-green-8)" aria-hidden />
            <Text size="sm">{a.reason}</Text>
          </Group>
        )}
        {a.removeFirst.length > 0 ? (
          <>
            <Text size="sm" fw={600}>
              Remove first, newest first (same product, the same files, installed next to it):
            </Text>
            <OrderTable label="Updates to remove first" updates={a.removeFirst} />
            <Text size="sm" fw={600}>
              Re-deploy after the rollback, oldest first:
            </Text>
            <OrderTable label="Updates to re-deploy after" updates={a.redeployAfter} />
          </>
        ) : null}
        {a.warnings.length > 0 ? (
          <List size="sm" spacing={4} aria-label="Feasibility warnings">
            {a.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        ) : null}
        {detail.update.record.rollbackNotes ? (
          <Text size="sm" c="dimmed">
            {`Bulletin removal notes: ${detail.update.record.rollbackNotes}`}
          </Text>
        ) : null}
        {detail.record.alternative ? (
          <Alert
            color="orange"
            variant="light"
            title={`Alternative recovery: ${alternativeRecoveryLabels[detail.record.alternative.alternative]}`}
          >
            <Text size="sm">{detail.record.alternative.plan}</Text>
          </Alert>
        ) : null}
        <Group gap="md" align="flex-start">
          <RollbackActionButton detail={detail} action="chooseAlternative" />
          <RollbackActionButton detail={detail} action="markNotFeasible" variant="subtle" />
        </Group>
      </Stack>
    </SectionCard>
  );
}
