import { cleanupActionLabels, cleanupBranchLabels, type CleanupItem, type RollbackDetail } from "@firebreak/domain";
import { Alert, Anchor, List, Stack, Table, Text } from "@mantine/core";
import { IconArrowRight, IconInfoCircle } from "@tabler/icons-react";
import { Link } from "react-router";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { formatDateTime } from "../../../lib/format";
import { personName } from "./people";
import { RollbackActionButton } from "./rollback-action";
import { SectionCard } from "./section-card";

const monitorLink = (advertisementId: string) => `/deployments/${encodeURIComponent(advertisementId)}`;

/** Step R1: what the halt disables (before), what it disabled (after). */
export function HaltPanel({ detail }: { detail: RollbackDetail }) {
  const halt = detail.record.halt;
  const kb = detail.kbNumber;
  return (
    <SectionCard
      id="halt"
      title="Halt the update's deployments"
      current={detail.status === "REQUESTED"}
      done={halt !== null}
    >
      <Stack gap="sm">
        {halt ? (
          <>
            <Text size="sm">{`Halted by ${personName(detail, halt.haltedBy)} on ${formatDateTime(halt.haltedAt)}: ${halt.reason}`}</Text>
            {halt.halted.length === 0 ? (
              <Text size="sm">No deployment of {kb} was running: nothing needed halting.</Text>
            ) : (
              <List size="sm" spacing={4} aria-label="Halted deployments">
                {halt.halted.map((h) => (
                  <List.Item key={h.advertisementId}>
                    <Anchor component={Link} to={monitorLink(h.advertisementId)}>
                      {h.advertisementId}
                    </Anchor>
                    {`: program "${h.programName}" of ${h.packageId} ${h.programWasAlreadyDisabled ? "was already disabled" : "disabled"}${h.advertisementDisabled ? "; advertisement disabled" : ""}.`}
                  </List.Item>
                ))}
              </List>
            )}
            {halt.caseIds.length > 0 ? (
              <Text size="sm">{`${halt.caseIds.length === 1 ? "The update's case moved" : `${halt.caseIds.length} cases moved`} to Halted.`}</Text>
            ) : null}
          </>
        ) : (
          <>
            <Text size="sm">
              Whether or not the rollback is an emergency, every ongoing deployment of {kb} is halted first: its program
              is disabled on the computers where it is advertised.
            </Text>
            {detail.haltPreview.length === 0 ? (
              <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />}>
                No live advertisement installs {kb}: halting records that nothing needed halting.
              </Alert>
            ) : (
              <ScrollTable minWidth={560} label="Deployments that will be halted">
                <Table striped aria-label="Deployments that will be halted">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Advertisement</Table.Th>
                      <Table.Th scope="col">Package / program</Table.Th>
                      <Table.Th scope="col">Collection</Table.Th>
                      <Table.Th scope="col">Now</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {detail.haltPreview.map((h) => (
                      <Table.Tr key={h.advertisementId}>
                        <Table.Td>
                          <Anchor component={Link} to={monitorLink(h.advertisementId)}>
                            {h.advertisementId}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {h.advertisementName}
                          </Text>
                        </Table.Td>
                        <Table.Td>{`${h.packageId} / ${h.programName}`}</Table.Td>
                        <Table.Td>{h.collectionId}</Table.Td>
                        <Table.Td>
                          {h.programDisabled ? "Program already disabled" : "Running"}
                          {h.advertisementState === "DISABLED" ? "; advertisement disabled" : ""}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
            )}
          </>
        )}
        <RollbackActionButton detail={detail} action="halt" />
      </Stack>
    </SectionCard>
  );
}

function CleanupTable({ items, label }: { items: readonly CleanupItem[]; label: string }) {
  return (
    <ScrollTable minWidth={560} label={label}>
      <Table striped aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Package</Table.Th>
            <Table.Th scope="col">What happens</Table.Th>
            <Table.Th scope="col">Updates</Table.Th>
            <Table.Th scope="col">Source version</Table.Th>
            <Table.Th scope="col">Advertisements</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((i) => {
            const remove = i.action === "REMOVE_UPDATE";
            return (
              <Table.Tr key={i.packageId}>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {i.packageId}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {i.packageName}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {/* Text, not a badge: a badge does not wrap, and the table must fit the panel. */}
                  <Text size="sm" fw={600} c={remove ? "blue.9" : "red.9"}>
                    {cleanupActionLabels[i.action]}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {i.updateIdsBefore.join(", ")} <IconArrowRight size={12} aria-label="becomes" />{" "}
                  {i.updateIdsAfter.length > 0 ? i.updateIdsAfter.join(", ") : "(package deleted)"}
                </Table.Td>
                <Table.Td>
                  {remove
                    ? `${i.sourceVersionBefore} → ${i.sourceVersionAfter ?? ""}`
                    : `${i.sourceVersionBefore} (deleted)`}
                </Table.Td>
                <Table.Td>
                  {i.advertisementIds.length === 0
                    ? "None"
                    : `${i.advertisementIds.join(", ")} ${remove ? "(kept)" : "(deleted)"}`}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

/**
 * Step R2: which branch applies — the update leaves a package that carries others (new source
 * version), or the advertisement and the package are deleted — shown before anything happens.
 * It cannot be undone, so it comes after the priority and the authorisation. The action sends
 * the preview's fingerprint: if the packages changed meanwhile the API refuses.
 */
export function CleanupPanel({ detail }: { detail: RollbackDetail }) {
  const done = detail.record.cleanup;
  const preview = detail.cleanupPreview;
  const decided = detail.record.priorityConfirmation !== null && detail.record.authorisation !== null;
  return (
    <SectionCard
      id="cleanup"
      title="Package clean-up"
      current={detail.status === "HALTED" && decided}
      done={done !== null}
    >
      <Stack gap="sm">
        {done ? (
          <>
            <Text size="sm">
              {`${cleanupBranchLabels[done.plan.branch]}: done by ${personName(detail, done.cleanedBy)} on ${formatDateTime(done.cleanedAt)}.`}
            </Text>
            {done.plan.items.length > 0 ? <CleanupTable items={done.plan.items} label="Packages cleaned" /> : null}
          </>
        ) : preview ? (
          <>
            <Text size="sm">
              <strong>{`What will happen: ${cleanupBranchLabels[preview.branch]}.`}</strong> {preview.summary}
            </Text>
            {preview.items.length > 0 ? <CleanupTable items={preview.items} label="Clean-up preview" /> : null}
            {!decided ? (
              <Text size="sm">
                The clean-up cannot be undone: it waits until the rollback&apos;s priority is confirmed and the rollback
                is authorised.
              </Text>
            ) : null}
          </>
        ) : (
          <Text size="sm" c="dimmed">
            The clean-up preview is not available.
          </Text>
        )}
        {preview ? (
          <RollbackActionButton
            detail={detail}
            action="cleanPackages"
            label={preview.branch === "NOTHING" ? "Confirm: nothing to clean up" : "Clean up as shown"}
            fixed={{ fingerprint: preview.fingerprint }}
            summary={
              <Text size="sm">
                <strong>{`${cleanupBranchLabels[preview.branch]}:`}</strong> {preview.summary}
              </Text>
            }
          />
        ) : null}
      </Stack>
    </SectionCard>
  );
}
