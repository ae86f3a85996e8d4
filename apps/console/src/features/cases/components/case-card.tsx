import type { CaseSummary } from "@firebreak/domain";
import { Card, Group, Stack, Text } from "@mantine/core";
import { IconAlertOctagon, IconFlask, IconUrgent } from "@tabler/icons-react";
import { Link } from "react-router";
import { CaseStateBadge, PriorityBadge, SlaClock, VendorSeverityBadge } from "../../process/components/process-badges";
import classes from "./case-card.module.css";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The KB number and bulletin, the way people say them: "KB835732 · MS04-011". */
export const caseName = (c: Pick<CaseSummary, "kbNumber" | "bulletinId">): string =>
  c.bulletinId ? `${c.kbNumber} · ${c.bulletinId}` : c.kbNumber;

/**
 * One case on the board. The heading link is the card's only tab stop and covers the card; arrow
 * keys move between cards (see TriageBoard).
 */
export function CaseCard({ c, now, column, row }: { c: CaseSummary; now: number; column: number; row: number }) {
  const headingId = `case-${c.id}-heading`;
  return (
    <Card
      withBorder
      padding="sm"
      radius="md"
      component="article"
      aria-labelledby={headingId}
      className={`${classes.card} ${c.alerts.length > 0 ? classes.alert : ""}`}
    >
      <Stack gap={6}>
        <Group justify="space-between" gap={4} align="flex-start">
          <Text size="xs" ff="monospace" fw={600}>
            {caseName(c)}
          </Text>
          <CaseStateBadge status={c.status} size="sm" />
        </Group>
        <Text component="h3" size="sm" fw={600} m={0} id={headingId} className={classes.title}>
          <Link
            to={`/triage/cases/${c.id}`}
            className={classes.link}
            data-board-card=""
            data-column={column}
            data-row={row}
          >
            {c.title}
          </Link>
        </Text>
        <Group gap={6} wrap="wrap">
          <VendorSeverityBadge severity={c.vendorSeverity} size="sm" />
          <PriorityBadge priority={c.priority} confirmed={c.priorityConfirmed} size="sm" />
        </Group>
        {c.sla ? <SlaClock clock={c.sla} now={now} /> : null}
        <Group gap="sm" wrap="wrap">
          {c.openTests > 0 ? (
            <Group gap={4} wrap="nowrap">
              <IconFlask size={14} aria-hidden />
              <Text size="xs">{plural(c.openTests, "open test")}</Text>
            </Group>
          ) : null}
          {c.emergencyId ? (
            <Group gap={4} wrap="nowrap">
              <IconUrgent size={14} aria-hidden color="var(--mantine-color-red-8)" />
              <Text size="xs" fw={600}>
                In an emergency
              </Text>
            </Group>
          ) : null}
        </Group>
        {c.alerts.map((alert) => (
          <Group key={alert} gap={4} wrap="nowrap" align="flex-start">
            <IconAlertOctagon size={14} aria-hidden color="var(--mantine-color-red-8)" style={{ flexShrink: 0 }} />
            <Text size="xs" c="red.9" fw={600}>
              Alert: {alert}
            </Text>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
