import { Badge, Code, Group, SimpleGrid, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { diffSnapshots, formatValue, type ChangeKind } from "../audit-diff";

const kindBadge: Record<ChangeKind, { label: string; color: string }> = {
  added: { label: "Added", color: "green" },
  removed: { label: "Removed", color: "red" },
  changed: { label: "Changed", color: "orange" },
  unchanged: { label: "Same", color: "gray" },
};

/** Before and after of an audit entry, field by field; the change is named in words, not only colour. */
export function AuditDiffView({ before, after }: { before: unknown; after: unknown }) {
  const [showUnchanged, setShowUnchanged] = useState(false);
  const rows = diffSnapshots(before, after);
  const visible = showUnchanged ? rows : rows.filter((row) => row.kind !== "unchanged");
  const unchangedCount = rows.length - rows.filter((row) => row.kind !== "unchanged").length;

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3} size="h5">
          Changes
        </Title>
        {unchangedCount > 0 ? (
          <Switch
            size="sm"
            label={`Show ${unchangedCount} unchanged field${unchangedCount === 1 ? "" : "s"}`}
            checked={showUnchanged}
            onChange={(e) => setShowUnchanged(e.currentTarget.checked)}
          />
        ) : null}
      </Group>
      {rows.length === 0 ? (
        <Text size="sm">This entry records no before or after state.</Text>
      ) : visible.length === 0 ? (
        <Text size="sm">No field changed.</Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table withTableBorder verticalSpacing="xs" fz="sm" aria-label="Changes by field">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Field</Table.Th>
                <Table.Th scope="col">Change</Table.Th>
                <Table.Th scope="col">Before</Table.Th>
                <Table.Th scope="col">After</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {visible.map((row) => (
                <Table.Tr key={row.path || "(value)"}>
                  <Table.Th scope="row">
                    <Text ff="monospace" size="sm" span>
                      {row.path || "(value)"}
                    </Text>
                  </Table.Th>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={kindBadge[row.kind].color}>
                      {kindBadge[row.kind].label}
                    </Badge>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: "break-word" }}>
                    <Text
                      ff="monospace"
                      size="sm"
                      td={row.kind === "changed" || row.kind === "removed" ? "line-through" : undefined}
                      span
                    >
                      {formatValue(row.before)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: "break-word" }}>
                    <Text ff="monospace" size="sm" fw={row.kind === "unchanged" ? undefined : 600} span>
                      {formatValue(row.after)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <div>
          <Text size="sm" fw={600} mb={4}>
            Before (JSON)
          </Text>
          <Code block aria-label="Before, as JSON">
            {before === null || before === undefined ? "null" : JSON.stringify(before, null, 2)}
          </Code>
        </div>
        <div>
          <Text size="sm" fw={600} mb={4}>
            After (JSON)
          </Text>
          <Code block aria-label="After, as JSON">
            {after === null || after === undefined ? "null" : JSON.stringify(after, null, 2)}
          </Code>
        </div>
      </SimpleGrid>
    </Stack>
  );
}
