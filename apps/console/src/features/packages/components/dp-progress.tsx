import { Group, Progress, Text, VisuallyHidden } from "@mantine/core";

/** Distribution points holding the current source version, as a bar with the numbers beside it. */
export function DpProgress({ current, total, label }: { current: number; total: number; label: string }) {
  const pct = total === 0 ? 0 : Math.round((current / total) * 100);
  const done = total > 0 && current === total;
  return (
    <Group gap="xs" wrap="nowrap">
      <Progress value={pct} w={120} size="lg" color={done ? "green" : "indigo"} aria-hidden />
      <Text size="sm" style={{ whiteSpace: "nowrap" }}>
        <VisuallyHidden>{label}: </VisuallyHidden>
        {current} of {total}
      </Text>
    </Group>
  );
}
