import type { AuditEntry } from "@firebreak/domain";
import { Button, Code, Table, Text } from "@mantine/core";
import { IconListDetails } from "@tabler/icons-react";
import { formatDateTime } from "../../../lib/format";
import { actorRoleLabel } from "./audit-entry-drawer";

interface AuditTableProps {
  entries: AuditEntry[];
  caption: string;
  onOpen: (entry: AuditEntry) => void;
}

export function AuditTable({ entries, caption, onOpen }: AuditTableProps) {
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped highlightOnHover verticalSpacing="xs" fz="sm">
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Time</Table.Th>
            <Table.Th scope="col">Actor</Table.Th>
            <Table.Th scope="col">Action</Table.Th>
            <Table.Th scope="col">Entity</Table.Th>
            <Table.Th scope="col">Request id</Table.Th>
            <Table.Th scope="col">Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => (
            <Table.Tr key={entry.seq}>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={500} span>
                  {entry.actorName}
                </Text>
                {entry.actorRole ? (
                  <Text size="xs" c="dimmed">
                    {actorRoleLabel(entry.actorRole)}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <Code>{entry.action}</Code>
              </Table.Td>
              <Table.Td>
                <Text size="sm" span>
                  {entry.entityType}
                </Text>
                {entry.entityId ? (
                  <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: "break-all" }}>
                    {entry.entityId}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace" style={{ wordBreak: "break-all" }}>
                  {entry.requestId ?? "—"}
                </Text>
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="subtle"
                  leftSection={<IconListDetails size={14} aria-hidden />}
                  onClick={() => onOpen(entry)}
                  aria-label={`Show details of entry ${entry.seq}: ${entry.action} by ${entry.actorName}`}
                  aria-haspopup="dialog"
                >
                  Details
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
