import type { HaltVerification } from "@firebreak/domain";
import { Alert, Anchor, Badge, Card, Group, List, Stack, Table, Text, Title } from "@mantine/core";
import { IconAlertOctagon, IconCircleCheck, IconHandStop } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link } from "react-router";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { formatCount, formatDateTime } from "../../../lib/format";
import { advertisementQueries } from "../../advertisements/advertisements.queries";

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** "…; last program start received … (client time …)" in the reader's time zone. */
function lastStartWords(v: HaltVerification): string {
  return v.lastStart
    ? `last program start received ${formatDateTime(v.lastStart.receivedAt)} (client time ${formatDateTime(v.lastStart.time)})`
    : "no program start reported";
}

/** "Program disabled at …; last program start received … (client time …)." */
function haltLine(v: HaltVerification): string {
  const last = lastStartWords(v);
  if (v.haltedAt === null) {
    if (v.programDisabled || v.advertisementState === "DISABLED")
      return `The ${v.programDisabled ? "program" : "advertisement"} is disabled, but not by a halt, so there is no halt time to check starts against; ${last}.`;
    return `The program is not disabled; ${last}.`;
  }
  const by =
    v.haltSource === "PROGRAM" && v.halt ? ` by the halt of ${v.halt.advertisementId}, which shares the program` : "";
  return `Program disabled at ${formatDateTime(v.haltedAt)}${by}; ${last}.`;
}

/**
 * The live monitor learns of a halt (an automatic rule firing, someone else's halt or resume)
 * before anything else on the page: when it reports the program or the advertisement in another
 * state than the advertisement read for the page header, the advertisement is read again, so the
 * header's "Program disabled" badge and its Halt / Resume buttons agree with this card.
 */
function useAdvertisementFollowsHalt(v: HaltVerification | undefined) {
  const queryClient = useQueryClient();
  const id = v?.advertisementId;
  const programDisabled = v?.programDisabled;
  const state = v?.advertisementState;
  useEffect(() => {
    if (!id) return;
    const detail = advertisementQueries.detail(id);
    const read = queryClient.getQueryData(detail.queryKey);
    if (read && (read.programDisabled !== programDisabled || read.state !== state))
      void queryClient.invalidateQueries({ queryKey: detail.queryKey });
  }, [id, programDisabled, state, queryClient]);
}

/**
 * Verifies a halt (domain.md §8.3 W9): when the program was disabled, when the last "program
 * started" (10005) arrived and its client time, and every start received after the halt, flagged
 * with the machines. Fed by the live monitor.
 */
export function HaltVerificationCard({ verification: v }: { verification: HaltVerification | undefined }) {
  useAdvertisementFollowsHalt(v);
  if (!v) return null;
  const halted = v.state !== "NOT_HALTED";
  const flagged = v.state === "STARTS_AFTER_HALT";
  return (
    <Card
      withBorder
      component="section"
      aria-labelledby="halt-verification-heading"
      mb="md"
      style={flagged ? { borderColor: "var(--mantine-color-red-7)", borderWidth: 2 } : undefined}
    >
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Title order={2} size="h4" id="halt-verification-heading">
          Halt verification
        </Title>
        {flagged ? (
          <Badge color="red" variant="filled" tt="none" leftSection={<IconAlertOctagon size={14} aria-hidden />}>
            Starts after the halt
          </Badge>
        ) : halted ? (
          <Badge color="green" variant="light" tt="none" leftSection={<IconCircleCheck size={14} aria-hidden />}>
            No start after the halt
          </Badge>
        ) : (
          <Badge color="gray" variant="light" tt="none">
            Not halted
          </Badge>
        )}
      </Group>
      <Stack gap="xs">
        <Text size="sm">{haltLine(v)}</Text>
        {v.automaticRule ? (
          <Group gap={6} wrap="nowrap" align="flex-start">
            <IconHandStop size={16} aria-hidden style={{ flex: "none", marginTop: 2 }} />
            <Text size="sm">{`Halted automatically. ${v.automaticRule}`}</Text>
          </Group>
        ) : null}
        {v.halt && v.haltSource === "ADVERTISEMENT" && !v.halt.cases.some((c) => c.status === "HALTED") ? (
          <Text size="sm">
            No halted case stands behind this halt: it stays in force until the deployment is resumed here (Resume
            deployment…, ERT lead or an emergency-authority grant).
          </Text>
        ) : null}
        {v.case ? (
          <Text size="sm">
            {"Case "}
            <Anchor component={Link} to={`/triage/cases/${v.case.id}`}>
              {v.case.kbNumber}
            </Anchor>
            {v.case.status === "HALTED"
              ? " is halted. Resuming needs the ERT lead or an emergency-authority grant; or start a rollback from the case."
              : "."}
          </Text>
        ) : null}
        {halted && !flagged ? (
          <Text size="sm" c="dimmed">
            No start of the program has arrived since it was disabled. Keep watching while clients still pick up the
            change.
          </Text>
        ) : null}
        {flagged ? (
          <Alert
            color="red"
            variant="light"
            role="alert"
            icon={<IconAlertOctagon aria-hidden />}
            title={`${plural(v.startsAfterHalt, "start")} received after the halt on ${plural(v.machinesAfterHalt, "machine")}`}
          >
            <Stack gap="xs">
              <Text size="sm">
                These starts arrived after the program was disabled: the clients had not received the change yet, or ran
                it from a policy they already held.
                {v.possiblyBeforeHalt > 0
                  ? ` ${plural(v.possiblyBeforeHalt, "start")} ${v.possiblyBeforeHalt === 1 ? "carries" : "carry"} a client time before the halt: possibly started before it and reported late, or the client clock is behind.`
                  : ""}
              </Text>
              <List size="sm">
                <List.Item>
                  Check the machines below and stop the program there by hand if it is still running.
                </List.Item>
                <List.Item>
                  If starts keep arriving, also disable the advertisement (Halt deployment… with the box ticked).
                </List.Item>
              </List>
              <ScrollTable minWidth={560} label="Machines that started after the halt">
                <Table aria-label="Machines that started after the halt" verticalSpacing={4}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Machine</Table.Th>
                      <Table.Th scope="col">Site</Table.Th>
                      <Table.Th scope="col">Start received</Table.Th>
                      <Table.Th scope="col">Client time</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {v.firstStartsAfterHalt.map((s) => (
                      <Table.Tr key={`${s.resourceId}-${s.receivedAt}-${s.time}`}>
                        <Table.Td ff="monospace">{s.machineName}</Table.Td>
                        <Table.Td>{s.siteCode}</Table.Td>
                        <Table.Td>
                          <time dateTime={s.receivedAt}>{formatDateTime(s.receivedAt)}</time>
                        </Table.Td>
                        <Table.Td>
                          <time dateTime={s.time}>{formatDateTime(s.time)}</time>
                          {s.clientTimeBeforeHalt ? (
                            <Badge color="gray" variant="light" tt="none" ml={6}>
                              possibly started before the halt (client clock)
                            </Badge>
                          ) : null}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
              {v.machinesAfterHalt > v.firstStartsAfterHalt.length ? (
                <Text size="xs">{`The first ${v.firstStartsAfterHalt.length} machines are listed.`}</Text>
              ) : null}
            </Stack>
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}
