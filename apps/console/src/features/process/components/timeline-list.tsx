import {
  roleLabels,
  RoleSchema,
  timelineEventTypeLabels,
  TimelineEventTypeSchema,
  type TimelineEntry,
} from "@firebreak/domain";
import { Badge, Box, Button, Group, Stack, Text } from "@mantine/core";
import { IconShieldCheck } from "@tabler/icons-react";
import { useState } from "react";
import { formatDateTime } from "../../../lib/format";

const typeLabel = (type: string): string => {
  const known = TimelineEventTypeSchema.safeParse(type);
  return known.success ? timelineEventTypeLabels[known.data] : type;
};

const roleLabel = (role: string | null): string | null => {
  const known = RoleSchema.safeParse(role);
  return known.success ? roleLabels[known.data] : null;
};

/** Events that are alerts (a failed test during deployment, an automatic halt): their badge is red. */
const ALERT_TYPES: ReadonlySet<string> = new Set(["TEST_ALERT", "HALT_RULE_FIRED"]);

/** Newest first: `seq` is the store's order, `at` breaks nothing when two events share an instant. */
export const newestFirst = (entries: readonly TimelineEntry[]): TimelineEntry[] =>
  [...entries].sort((a, b) => {
    const byTime = Date.parse(b.at) - Date.parse(a.at);
    return byTime !== 0 ? byTime : Number(b.seq) - Number(a.seq);
  });

/** A timeline as an ordered list, newest event first, each with who did it and under what authority. */
export function TimelineList({
  entries,
  label,
  caseLabels,
  initialCount = 25,
}: {
  entries: readonly TimelineEntry[];
  /** Accessible name of the list. */
  label: string;
  /** Case id → short name (KB number), shown when a timeline mixes several cases. */
  caseLabels?: ReadonlyMap<string, string>;
  /** Events shown before "Show all". */
  initialCount?: number;
}) {
  const [all, setAll] = useState(false);
  if (entries.length === 0)
    return (
      <Text size="sm" c="dimmed">
        Nothing has happened yet.
      </Text>
    );
  const sorted = newestFirst(entries);
  const shown = all ? sorted : sorted.slice(0, initialCount);
  return (
    <>
      <Stack component="ol" gap={0} aria-label={label} style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {shown.map((e) => {
          const role = roleLabel(e.actorRole);
          const caseName = e.caseId ? caseLabels?.get(e.caseId) : undefined;
          return (
            <Box
              component="li"
              key={e.seq}
              py={8}
              pl="sm"
              style={{ borderLeft: "2px solid var(--mantine-color-gray-3)" }}
            >
              <Group gap={6} wrap="wrap">
                <Text size="xs" c="dimmed" component="span">
                  <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                </Text>
                <Badge size="xs" variant="light" color={ALERT_TYPES.has(e.type) ? "red" : "gray"} tt="none">
                  {typeLabel(e.type)}
                </Badge>
                {caseName ? (
                  <Badge size="xs" variant="outline" color="gray" tt="none">
                    {caseName}
                  </Badge>
                ) : null}
              </Group>
              <Text size="sm" mt={2}>
                {e.summary}
              </Text>
              <Text size="xs" c="dimmed">
                {e.actorName}
                {role ? ` (${role})` : ""}
                {e.underAuthorityGrant ? (
                  <Text span size="xs" c="orange.9" fw={600} ml={6}>
                    <IconShieldCheck size={12} aria-hidden style={{ verticalAlign: "-2px" }} /> under an
                    emergency-authority grant
                  </Text>
                ) : null}
              </Text>
            </Box>
          );
        })}
      </Stack>
      {sorted.length > shown.length ? (
        <Button variant="subtle" size="xs" mt="xs" onClick={() => setAll(true)}>
          {`Show all ${sorted.length} events`}
        </Button>
      ) : null}
    </>
  );
}
