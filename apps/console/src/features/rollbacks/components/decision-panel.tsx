import { releasePriorityLabels, roleLabels, type RollbackDetail } from "@firebreak/domain";
import { Badge, Group, Stack, Text } from "@mantine/core";
import { formatDateTime } from "../../../lib/format";
import { PriorityBadge } from "../../process/components/process-badges";
import { personName } from "./people";
import { RollbackActionButton } from "./rollback-action";
import { SectionCard } from "./section-card";

/**
 * The decisions a person makes: the rollback's own priority (requested, then confirmed with a
 * rationale) and the authorisation to roll back rather than resume. They come right after the
 * halt, before the package clean-up, which cannot be undone.
 */
export function DecisionPanel({ detail }: { detail: RollbackDetail }) {
  const r = detail.record;
  const confirmation = r.priorityConfirmation;
  const current =
    (detail.status === "HALTED" || detail.status === "PACKAGE_CLEANED") && (!confirmation || !r.authorisation);
  return (
    <SectionCard
      id="decision"
      title="Priority and authorisation"
      current={current}
      done={confirmation !== null && r.authorisation !== null}
    >
      <Stack gap="sm">
        <Text size="sm">
          A rollback is treated like a software update: it gets its own release priority, confirmed by a named person,
          and it is not automatically an emergency.
        </Text>
        <Group gap="xs">
          <PriorityBadge priority={detail.priority} confirmed={detail.priorityConfirmed} />
          <Text size="sm" c="dimmed">
            {`Requested as ${releasePriorityLabels[r.request.initialPriority]} on ${formatDateTime(r.request.requestedAt)}.`}
          </Text>
        </Group>
        {confirmation ? (
          <div role="group" aria-label="Priority confirmation">
            <Text size="sm">
              {`Confirmed: ${releasePriorityLabels[confirmation.priority]} by ${personName(detail, confirmation.confirmedBy)} (${roleLabels[confirmation.confirmedByRole]}) on ${formatDateTime(confirmation.confirmedAt)}`}
              {confirmation.underAuthorityGrant ? " under an emergency-authority grant" : ""}.
            </Text>
            <Text size="sm" c="dimmed">{`Rationale: ${confirmation.rationale}`}</Text>
          </div>
        ) : (
          <Text size="sm">
            Not confirmed yet: the packages are not cleaned up, and the rollback package is not built, before a person
            confirms it.
          </Text>
        )}
        {/* Once confirmed, the same action changes the priority: no longer the step's main button. */}
        <RollbackActionButton
          detail={detail}
          action="confirmPriority"
          {...(confirmation ? { label: "Change the rollback priority", variant: "default" } : {})}
        />
        {r.authorisation ? (
          <Group gap="xs">
            <Badge color="green" variant="light" tt="none">
              Authorised
            </Badge>
            <Text size="sm">
              {`by ${personName(detail, r.authorisation.authorisedBy)} on ${formatDateTime(r.authorisation.authorisedAt)}${r.authorisation.note ? `: ${r.authorisation.note}` : ""}`}
            </Text>
          </Group>
        ) : (
          <Text size="sm">
            Not authorised yet: the ERT lead (or a holder of emergency authority) decides to roll back instead of
            resuming the deployment.
          </Text>
        )}
        <RollbackActionButton detail={detail} action="authorise" />
      </Stack>
    </SectionCard>
  );
}
