import {
  caseStateDescriptions,
  caseStateLabels,
  releasePriorityDescriptions,
  releasePriorityLabels,
  slaStateDescriptions,
  slaStateLabels,
  vendorSeverityDescriptions,
  type CaseState,
  type ReleasePriority,
  type SlaClockView,
  type SlaState,
  type VendorSeverity,
} from "@firebreak/domain";
import { Badge, Group, Stack, Text, Tooltip, type BadgeProps } from "@mantine/core";
import {
  IconAlertTriangle,
  IconCircleCheck,
  IconClock,
  IconClockExclamation,
  IconFlame,
  IconShieldHalf,
  IconX,
} from "@tabler/icons-react";
import type { ReactNode } from "react";
import { formatDateTime } from "../../../lib/format";
import { liveSlaClock, slaWords } from "../sla-view";

const priorityColor: Record<ReleasePriority, string> = {
  EMERGENCY: "red",
  HIGH: "orange",
  MEDIUM: "blue",
  LOW: "gray",
};

/**
 * The organisation's release priority: a filled badge (Emergency) or a tinted one, always with
 * whether it is the initial priority from Identify or the one confirmed in Evaluate & Plan.
 */
export function PriorityBadge({
  priority,
  confirmed,
  size = "md",
}: {
  priority: ReleasePriority | null;
  confirmed: boolean;
  size?: BadgeProps["size"];
}) {
  if (!priority)
    return (
      <Badge size={size} variant="light" color="gray" tt="none">
        No priority yet
      </Badge>
    );
  return (
    <Tooltip label={releasePriorityDescriptions[priority]} multiline w={280} withArrow>
      <Badge
        size={size}
        tt="none"
        color={priorityColor[priority]}
        variant={priority === "EMERGENCY" ? "filled" : "light"}
        leftSection={priority === "EMERGENCY" ? <IconFlame size={12} aria-hidden /> : null}
      >
        {`${releasePriorityLabels[priority]} · ${confirmed ? "confirmed" : "initial"}`}
      </Badge>
    </Tooltip>
  );
}

const severityShort: Record<VendorSeverity, string> = {
  CRITICAL: "Critical",
  IMPORTANT: "Important",
  MODERATE: "Moderate",
  LOW: "Low",
  NONE: "Not rated",
};

/** Microsoft's severity rating: outlined with a shield and labelled "Vendor", never a priority. */
export function VendorSeverityBadge({
  severity,
  size = "md",
}: {
  severity: VendorSeverity;
  size?: BadgeProps["size"];
}) {
  return (
    <Tooltip
      label={`${vendorSeverityDescriptions[severity]} A vendor rating is an input to the release priority, not the priority: Critical ≠ Emergency.`}
      multiline
      w={300}
      withArrow
    >
      <Badge
        size={size}
        tt="none"
        variant="outline"
        color="dark"
        radius="xs"
        leftSection={<IconShieldHalf size={12} aria-hidden />}
      >
        {`Vendor: ${severityShort[severity]}`}
      </Badge>
    </Tooltip>
  );
}

const slaLook: Record<SlaState, { color: string; variant: "filled" | "light"; icon: ReactNode }> = {
  ON_TRACK: { color: "green", variant: "light", icon: <IconClock size={12} aria-hidden /> },
  AT_RISK: { color: "yellow", variant: "light", icon: <IconClockExclamation size={12} aria-hidden /> },
  TARGET_MISSED: { color: "orange", variant: "light", icon: <IconAlertTriangle size={12} aria-hidden /> },
  BREACHED: { color: "red", variant: "filled", icon: <IconX size={12} aria-hidden /> },
  MET: { color: "green", variant: "light", icon: <IconCircleCheck size={12} aria-hidden /> },
  MET_LATE: { color: "yellow", variant: "light", icon: <IconCircleCheck size={12} aria-hidden /> },
};

/** The SLA state as a badge with an icon and its name. */
export function SlaStateBadge({ state, size = "md" }: { state: SlaState; size?: BadgeProps["size"] }) {
  const look = slaLook[state];
  return (
    <Badge size={size} tt="none" color={look.color} variant={look.variant} leftSection={look.icon}>
      {`SLA: ${slaStateLabels[state]}`}
    </Badge>
  );
}

/**
 * An SLA clock: the state in words (colour and icon only repeat it), the time left to target and
 * to the maximum. `now` moves it on between refreshes of the data.
 */
export function SlaClock({
  clock,
  now,
  layout = "compact",
}: {
  clock: SlaClockView | null;
  now: number;
  layout?: "compact" | "full";
}) {
  if (!clock)
    return (
      <Text size="sm" c="dimmed">
        No SLA clock yet: it starts when the RFC is submitted.
      </Text>
    );
  const live = liveSlaClock(clock, now);
  const words = slaWords(live);
  if (layout === "compact")
    return (
      <Stack gap={2}>
        <Group gap={6} wrap="wrap">
          <SlaStateBadge state={live.state} size="sm" />
        </Group>
        <Text size="xs">{words.target}</Text>
        <Text size="xs" c="dimmed">
          {words.max}
        </Text>
      </Stack>
    );
  return (
    <Stack gap={6}>
      <Group gap="xs">
        <SlaStateBadge state={live.state} size="lg" />
        {live.closed ? (
          <Text size="sm" c="dimmed">
            clock stopped
          </Text>
        ) : null}
      </Group>
      <Text size="sm" c="dimmed">
        {slaStateDescriptions[live.state]}
      </Text>
      <Text fw={600}>{words.target}</Text>
      <Text size="sm">Target: {formatDateTime(live.targetAt)}</Text>
      <Text fw={600}>{words.max}</Text>
      <Text size="sm">Maximum: {formatDateTime(live.maxAt)}</Text>
      <Text size="xs" c="dimmed">
        {`Clock started ${formatDateTime(live.startedAt)} for ${live.priority.toLowerCase()} priority.`}
      </Text>
    </Stack>
  );
}

const stateColor: Partial<Record<CaseState, string>> = {
  DETECTED: "grape",
  NOT_RELEVANT: "gray",
  DEFERRED: "gray",
  HALTED: "red",
  ROLLING_BACK: "orange",
  ROLLED_BACK: "orange",
  DEPLOYED: "green",
  REVIEWED: "green",
  CLOSED: "gray",
};

/** Where the case stands in the process. */
export function CaseStateBadge({ status, size = "md" }: { status: CaseState; size?: BadgeProps["size"] }) {
  return (
    <Tooltip label={caseStateDescriptions[status]} multiline w={280} withArrow>
      <Badge size={size} tt="none" variant="light" color={stateColor[status] ?? "indigo"}>
        {caseStateLabels[status]}
      </Badge>
    </Tooltip>
  );
}
