import {
  releasePriorityLabels,
  rfcCategoryLabels,
  roleLabels,
  type CaseDetail,
  type TimelineEntry,
} from "@firebreak/domain";
import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconShieldCheck } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { formatDateTime } from "../../../lib/format";
import { useSignedInSession } from "../../session/use-session";

/**
 * Who did something: the case record keeps user ids, the timeline the name of whoever acted at
 * that instant, so the two are matched by time.
 */
export function useWhoAt(timeline: readonly TimelineEntry[]) {
  const { user } = useSignedInSession();
  return (userId: string, at: string): string => {
    const event = timeline.find((e) => e.at === at && e.actorName);
    if (event) return event.actorName;
    return userId === user.id ? `${user.displayName} (you)` : "a team member";
  };
}

function Record({ title, children, tone }: { title: string; children: ReactNode; tone?: "warning" | "danger" }) {
  return (
    <Card
      withBorder
      padding="sm"
      component="section"
      aria-label={title}
      style={
        tone ? { borderLeft: `4px solid var(--mantine-color-${tone === "danger" ? "red" : "orange"}-8)` } : undefined
      }
    >
      <Title order={3} size="h5" mb={6}>
        {title}
      </Title>
      <Stack gap={4}>{children}</Stack>
    </Card>
  );
}

function Line({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm">
      <Text span fw={600}>
        {label}:
      </Text>{" "}
      {children}
    </Text>
  );
}

function ByLine({ who, at, grant }: { who: string; at: string; grant?: boolean }) {
  return (
    <Text size="xs" c="dimmed">
      {`${who}, ${formatDateTime(at)}`}
      {grant ? (
        <Text span size="xs" c="orange.9" fw={600}>
          {" "}
          <IconShieldCheck size={12} aria-hidden style={{ verticalAlign: "-2px" }} /> under an emergency-authority grant
        </Text>
      ) : null}
    </Text>
  );
}

/** The decisions on the case — who, when and why — as the process requires them to be kept. */
export function CaseRecords({ caseDetail }: { caseDetail: CaseDetail }) {
  const r = caseDetail.record;
  const who = useWhoAt(caseDetail.timeline);
  const cards: ReactNode[] = [];
  if (r.relevance)
    cards.push(
      <Record key="relevance" title={r.relevance.relevant ? "Relevance: applies to us" : "Relevance: does not apply"}>
        <Text size="sm">{r.relevance.note}</Text>
        <ByLine who={who(r.relevance.decidedBy, r.relevance.decidedAt)} at={r.relevance.decidedAt} />
      </Record>,
    );
  if (r.sourceVerification) {
    const v = r.sourceVerification;
    cards.push(
      <Record key="source" title="Source verification">
        <Line label={v.hashAlgorithm === "SHA256" ? "SHA-256" : "SHA-1"}>
          <Text span ff="monospace" size="xs" style={{ wordBreak: "break-all" }}>
            {v.hash}
          </Text>
        </Line>
        <Text size="sm">
          {[
            `Genuine: ${v.checks.genuine ? "yes" : "no"}`,
            `virus-free: ${v.checks.virusFree ? "yes" : "no"}`,
            `installs cleanly: ${v.checks.installsCleanly ? "yes" : "no"}`,
          ].join(", ")}
        </Text>
        {v.notes ? <Text size="sm">{v.notes}</Text> : null}
        <ByLine who={who(v.verifiedBy, v.verifiedAt)} at={v.verifiedAt} />
      </Record>,
    );
  }
  if (r.rfc)
    cards.push(
      <Record key="rfc" title="RFC: initial priority">
        <Group gap="xs">
          <Badge variant="light" color="indigo" tt="none">
            {`Initial: ${releasePriorityLabels[r.rfc.initialPriority]}`}
          </Badge>
          <Badge variant="outline" color="gray" tt="none">
            {`Category: ${rfcCategoryLabels[r.rfc.category]}`}
          </Badge>
        </Group>
        <Line label="Why">{r.rfc.rationale}</Line>
        <ByLine who={who(r.rfc.submittedBy, r.rfc.submittedAt)} at={r.rfc.submittedAt} />
      </Record>,
    );
  if (r.priorityConfirmation) {
    const p = r.priorityConfirmation;
    cards.push(
      <Record key="confirmation" title="Priority confirmation">
        <Group gap="xs">
          <Badge variant={p.finalPriority === "EMERGENCY" ? "filled" : "light"} color="red" tt="none">
            {`Confirmed: ${releasePriorityLabels[p.finalPriority]}`}
          </Badge>
          <Badge variant="outline" color="gray" tt="none">
            {`Category: ${rfcCategoryLabels[p.category]}`}
          </Badge>
        </Group>
        <Line label="Assets exposed">{p.rationale.assetsExposed}</Line>
        <Line label="Mitigations">{p.rationale.mitigations}</Line>
        <Line label="Scope">{p.rationale.scope}</Line>
        <Line label="Exploited in the wild">{p.rationale.exploitedInTheWild ? "yes" : "no"}</Line>
        <ByLine
          who={`${who(p.confirmedBy, p.confirmedAt)} (${roleLabels[p.confirmedByRole]})`}
          at={p.confirmedAt}
          grant={p.underAuthorityGrant}
        />
      </Record>,
    );
  }
  if (r.deferral)
    cards.push(
      <Record key="deferral" title="Deferred">
        <Text size="sm">{r.deferral.reason}</Text>
        {r.deferral.revisitAt ? <Line label="Revisit">{formatDateTime(r.deferral.revisitAt)}</Line> : null}
        <ByLine who={who(r.deferral.deferredBy, r.deferral.deferredAt)} at={r.deferral.deferredAt} />
      </Record>,
    );
  if (r.reducedTestingAcceptance) {
    const a = r.reducedTestingAcceptance;
    cards.push(
      <Record key="reduced" title="Reduced testing accepted" tone="warning">
        <Text size="sm">{a.rationale}</Text>
        <Line label="Tests open when accepted">{a.openTestIds.length}</Line>
        <ByLine
          who={`${who(a.acceptedBy, a.acceptedAt)} (${roleLabels[a.acceptedByRole]})`}
          at={a.acceptedAt}
          grant={a.underAuthorityGrant}
        />
      </Record>,
    );
  }
  if (r.halt)
    cards.push(
      <Record key="halt" title="Deployment halted" tone="danger">
        <Text size="sm">{r.halt.reason}</Text>
        {r.halt.automaticRule ? <Line label="Automatic rule">{r.halt.automaticRule}</Line> : null}
        <ByLine
          who={r.halt.automaticRule ? "Automatic halt rule" : who(r.halt.haltedBy, r.halt.haltedAt)}
          at={r.halt.haltedAt}
        />
      </Record>,
    );
  if (r.rollback)
    cards.push(
      <Record key="rollback" title={r.rollback.completedAt ? "Rolled back" : "Rollback under way"} tone="warning">
        <Text size="sm">{r.rollback.reason}</Text>
        {r.rollback.evidence ? <Line label="Evidence">{r.rollback.evidence}</Line> : null}
        <ByLine who={who(r.rollback.startedBy, r.rollback.startedAt)} at={r.rollback.startedAt} />
      </Record>,
    );
  if (r.review)
    cards.push(
      <Record key="review" title="Post-implementation review">
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
          {r.review.text}
        </Text>
        <ByLine who={who(r.review.reviewedBy, r.review.reviewedAt)} at={r.review.reviewedAt} />
      </Record>,
    );
  if (r.closedAt)
    cards.push(
      <Record key="closed" title="Closed">
        {r.closeReason ? <Text size="sm">{r.closeReason}</Text> : null}
        <Text size="xs" c="dimmed">
          {formatDateTime(r.closedAt)}
        </Text>
      </Record>,
    );

  return (
    <section aria-labelledby="records-heading">
      <Title order={2} size="h4" id="records-heading" mb="sm">
        Decisions
      </Title>
      {cards.length === 0 ? (
        <Text size="sm" c="dimmed">
          No decision recorded yet: the first is whether the update applies to our estate.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
          {cards}
        </SimpleGrid>
      )}
    </section>
  );
}
