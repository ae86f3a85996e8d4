import {
  rollbackTargetingDescriptions,
  rollbackTargetingLabels,
  type RollbackDetail,
  type RollbackTargeting,
} from "@firebreak/domain";
import { Alert, Button, Checkbox, Group, List, Radio, SimpleGrid, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconChartLine } from "@tabler/icons-react";
import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import { formatCount, formatDateTime } from "../../../lib/format";
import { personName } from "./people";
import { RollbackActionButton } from "./rollback-action";
import { SectionCard } from "./section-card";

const isOpenBeforeAdvertising = (d: RollbackDetail) =>
  ["REQUESTED", "HALTED", "PACKAGE_CLEANED", "BUILT"].includes(d.status);

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function OptionCard({
  value,
  available,
  reason,
  count,
  children,
}: {
  value: RollbackTargeting;
  available: boolean;
  reason: string | undefined;
  count: number;
  children: ReactNode;
}) {
  const detailsId = `targeting-${value}-details`;
  const reasonId = `targeting-${value}-reason`;
  const unavailable = !available && reason;
  return (
    <Stack gap={6}>
      <Radio.Card
        value={value}
        disabled={!available}
        radius="md"
        p="md"
        aria-label={`${rollbackTargetingLabels[value]}: ${plural(count, "computer")}`}
        aria-describedby={unavailable ? `${detailsId} ${reasonId}` : detailsId}
        style={!available ? { opacity: 0.6, cursor: "not-allowed" } : undefined}
      >
        <Group wrap="nowrap" align="flex-start" gap="sm">
          <Radio.Indicator disabled={!available} />
          <Stack gap={4} id={detailsId}>
            <Text fw={700}>{rollbackTargetingLabels[value]}</Text>
            <Text size="xl" fw={700}>
              {plural(count, "computer")}
            </Text>
            {children}
            <Text size="xs" c="dimmed">
              {rollbackTargetingDescriptions[value]}
            </Text>
          </Stack>
        </Group>
      </Radio.Card>
      {/* Outside the dimmed card, so the reason keeps its full contrast. */}
      {unavailable ? (
        <Text size="sm" c="red.9" id={reasonId}>
          {`Not available: ${reason}`}
        </Text>
      ) : null}
    </Stack>
  );
}

/**
 * Step R5: option A (the original collection, check-first program) or option B (a new collection
 * of only the computers with compliance evidence), with both counts side by side; then advertise.
 * The advertisement is bound to the count shown: if it changed meanwhile, the API answers 409.
 */
export function TargetingPanel({ detail }: { detail: RollbackDetail }) {
  const [choice, setChoice] = useState<RollbackTargeting | null>(null);
  const [laterRemoved, setLaterRemoved] = useState(false);
  const d = detail.record.deployment;
  const counts = detail.targetingCounts;
  const removeFirst = detail.record.assessment.removeFirst;
  const still = detail.laterUpdatesStillInstalled ?? [];
  const choosing = detail.status === "READY";
  const kb = detail.kbNumber;
  const preview = detail.advertisementPreview;
  const chosenCount =
    counts && choice ? (choice === "APPLIED_ONLY" ? counts.appliedOnly : counts.sameCollection).targeted : null;
  const how = preview
    ? `Mandatory, as soon as possible${preview.overSlowLinks ? ", also over slow links" : ""}${preview.remoteDistributionPoints ? "; clients without a local distribution point download it from a remote one" : ""}.`
    : "Mandatory, as soon as possible.";

  return (
    <SectionCard id="targeting" title="Target and advertise" current={choosing} done={d !== null}>
      <Stack gap="sm">
        {d ? (
          <>
            <Text size="sm">
              {`${rollbackTargetingLabels[d.targeting]}: advertisement ${d.advertisementId} of package ${d.packageId} ("${d.programName}") to collection ${d.collectionId}${d.collectionCreated ? " (new)" : ""}, ${plural(d.targeted, "computer")} (${formatCount(d.withEvidence)} with evidence of ${kb} then), advertised by ${personName(detail, d.advertisedBy)} on ${formatDateTime(d.advertisedAt)}.`}
            </Text>
            <Text size="xs" c="dimmed">
              Verification reads exactly these computers, as they were when the rollback was advertised.
            </Text>
            <Button
              component={Link}
              to={`/deployments/${encodeURIComponent(d.advertisementId)}`}
              variant="light"
              leftSection={<IconChartLine size={16} aria-hidden />}
              w="fit-content"
            >
              {`Watch the rollback live (${d.advertisementId})`}
            </Button>
          </>
        ) : !choosing && !isOpenBeforeAdvertising(detail) ? (
          <Text size="sm" c="dimmed">
            The rollback was not advertised.
          </Text>
        ) : !counts ? (
          <Text size="sm" c="dimmed">
            Options A and B are counted from the data once the rollback package is accepted.
          </Text>
        ) : (
          <>
            <Radio.Group
              value={choice}
              onChange={(v) => setChoice(v as RollbackTargeting)}
              label="Which computers does the rollback target?"
              description={`Both counts are from the data now. Option B never includes a computer without evidence that it applied ${kb}.`}
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" mt="xs">
                <OptionCard
                  value="SAME_TARGETS_CHECK_FIRST"
                  available={counts.sameCollection.available}
                  reason={counts.sameCollection.reason}
                  count={counts.sameCollection.targeted}
                >
                  <Text size="sm">
                    {counts.sameCollection.collectionId
                      ? `Collection ${counts.sameCollection.collectionId}${counts.sameCollection.includeSubCollection ? " and its sub-collections" : ""}; ${plural(counts.sameCollection.withEvidence, "computer")} with evidence of ${kb}, the check leaves the others unchanged.`
                      : "No original collection."}
                  </Text>
                </OptionCard>
                <OptionCard
                  value="APPLIED_ONLY"
                  available={counts.appliedOnly.available}
                  reason={counts.appliedOnly.reason}
                  count={counts.appliedOnly.targeted}
                >
                  <Text size="sm">
                    {`${plural(counts.appliedOnly.installed, "computer")} with ${kb} installed${counts.appliedOnly.pendingReboot > 0 ? `, ${plural(counts.appliedOnly.pendingReboot, "computer")} installed pending a restart` : ""}; a new collection of exactly these.`}
                  </Text>
                </OptionCard>
              </SimpleGrid>
            </Radio.Group>
            {counts.sameCollection.collectionId && counts.sameCollection.outsideWithEvidence > 0 ? (
              <Alert color="yellow" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
                {`${plural(counts.sameCollection.outsideWithEvidence, "computer")} with evidence of ${kb} ${counts.sameCollection.outsideWithEvidence === 1 ? "is" : "are"} not in collection ${counts.sameCollection.collectionId}: option A does not reach ${counts.sameCollection.outsideWithEvidence === 1 ? "it" : "them"}, option B does.`}
              </Alert>
            ) : null}
            {removeFirst.length > 0 ? (
              <>
                {still.some((l) => l.sameCollection > 0 || l.appliedOnly > 0) ? (
                  <List size="sm" spacing={2} aria-label="Later updates still installed">
                    {still.map((l) => (
                      <List.Item key={l.kbNumber}>
                        {`${l.kbNumber}: still on ${plural(l.appliedOnly, "computer")} option B targets, ${plural(l.sameCollection, "computer")} option A targets`}
                      </List.Item>
                    ))}
                  </List>
                ) : null}
                <Checkbox
                  checked={laterRemoved}
                  onChange={(e) => setLaterRemoved(e.currentTarget.checked)}
                  label={`${removeFirst.map((u) => u.kbNumber).join(", ")} ${removeFirst.length === 1 ? "was" : "were"} removed first`}
                  description="Removal is order-sensitive: later updates that replace the same files go first. Compliance is checked too."
                />
              </>
            ) : null}
            {choice === "SAME_TARGETS_CHECK_FIRST" && detail.programs.warnings.some((w) => /option A/.test(w)) ? (
              <Alert color="yellow" variant="light">
                {detail.programs.warnings.filter((w) => /option A/.test(w)).join(" ")}
              </Alert>
            ) : null}
          </>
        )}
        <RollbackActionButton
          detail={detail}
          action="advertise"
          fixed={{
            targeting: choice ?? undefined,
            ...(chosenCount !== null ? { expectedTargeted: chosenCount } : {}),
            ...(removeFirst.length > 0 ? { laterUpdatesRemoved: laterRemoved } : {}),
          }}
          disabledReason={choosing && !choice ? "Choose option A or option B first." : null}
          summary={
            choice && chosenCount !== null ? (
              <Text size="sm" fw={600}>
                {`${rollbackTargetingLabels[choice]}: ${plural(chosenCount, "computer")}. ${how}`}
              </Text>
            ) : null
          }
        />
        {!d && !choosing && isOpenBeforeAdvertising(detail) ? (
          <Text size="xs" c="dimmed">
            The rollback can be advertised once its package is built and accepted.
          </Text>
        ) : null}
      </Stack>
    </SectionCard>
  );
}
