import { roleLabels, RoleSchema, type AuditEntry } from "@firebreak/domain";
import { Code, Divider, Drawer, Stack, Table, Text } from "@mantine/core";
import { formatDateTime } from "../../../lib/format";
import { AuditDiffView } from "./audit-diff-view";

export const actorRoleLabel = (role: string | null): string | null => {
  if (!role) return null;
  const parsed = RoleSchema.safeParse(role);
  return parsed.success ? roleLabels[parsed.data] : role;
};

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={160}>
        {label}
      </Table.Th>
      <Table.Td style={{ wordBreak: "break-all" }}>{children}</Table.Td>
    </Table.Tr>
  );
}

export function AuditEntryDrawer({ entry, onClose }: { entry: AuditEntry | null; onClose: () => void }) {
  return (
    <Drawer
      opened={entry !== null}
      onClose={onClose}
      position="right"
      size="min(64rem, 100vw)"
      title={entry ? `Audit entry #${entry.seq}` : "Audit entry"}
    >
      {entry ? (
        <Stack gap="md">
          <Table fz="sm" verticalSpacing={6} aria-label="Entry details">
            <Table.Tbody>
              <Row label="Time">
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              </Row>
              <Row label="Actor">
                {entry.actorName}
                {entry.actorRole ? ` (${actorRoleLabel(entry.actorRole)})` : ""}
              </Row>
              <Row label="Action">
                <Code>{entry.action}</Code>
              </Row>
              <Row label="Entity">
                {entry.entityType}
                {entry.entityId ? (
                  <>
                    {" "}
                    <Code>{entry.entityId}</Code>
                  </>
                ) : null}
              </Row>
              <Row label="Request id">{entry.requestId ? <Code>{entry.requestId}</Code> : "—"}</Row>
              {entry.underAuthorityGrantId ? (
                <Row label="Emergency authority">
                  <Code>{entry.underAuthorityGrantId}</Code>
                </Row>
              ) : null}
              <Row label="Hash">
                <Text ff="monospace" size="xs" span>
                  {entry.hash}
                </Text>
              </Row>
              <Row label="Previous hash">
                <Text ff="monospace" size="xs" span>
                  {entry.prevHash}
                </Text>
              </Row>
            </Table.Tbody>
          </Table>
          <Divider />
          <AuditDiffView before={entry.before} after={entry.after} />
        </Stack>
      ) : null}
    </Drawer>
  );
}
