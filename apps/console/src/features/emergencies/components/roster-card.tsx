import {
  AUTHORITY_GRANTEE_ROLES,
  formatDuration as formatSpan,
  GrantAuthorityBodySchema,
  grantStatusLabels,
  MAX_GRANT_HOURS,
  roleLabels,
  type WarRoom,
} from "@firebreak/domain";
import { Badge, Button, Card, Divider, Group, NumberInput, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCrown, IconShieldCheck } from "@tabler/icons-react";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { formatDateTime } from "../../../lib/format";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { useProcessAccess } from "../../process/process-access";
import { useGrantAuthority, useRevokeGrant } from "../emergencies.mutations";

/** "expires in 3 h 20 min" from now, or "expired". */
export const expiryWords = (expiresAt: string, now: number): string => {
  const ms = Date.parse(expiresAt) - now;
  return ms > 0 ? `expires in ${formatSpan(ms)}` : "expired";
};

function GrantForm({ warRoom }: { warRoom: WarRoom }) {
  const grant = useGrantAuthority(warRoom.emergency.id);
  const candidates = warRoom.roster.filter((m) => AUTHORITY_GRANTEE_ROLES.includes(m.role));
  const { attachForm, ...form } = useSchemaForm({
    schema: GrantAuthorityBodySchema,
    initialValues: { granteeId: "", justification: "", durationHours: 8 as number | string },
    toInput: (v) => ({
      granteeId: v.granteeId || undefined,
      justification: v.justification,
      durationHours: typeof v.durationHours === "number" ? v.durationHours : undefined,
    }),
  });
  return (
    <form
      ref={attachForm}
      noValidate
      aria-label="Grant emergency authority"
      onSubmit={form.handleSubmit((body) =>
        grant.mutate(body, {
          onSuccess: (g) => {
            form.reset();
            notifications.show({
              color: "green",
              title: "Authority granted",
              message: `${g.granteeName} holds emergency authority until ${formatDateTime(g.expiresAt)}.`,
            });
          },
        }),
      )}
    >
      <Stack gap="sm">
        <Title order={3} size="h5">
          Grant emergency authority
        </Title>
        <Text size="xs" c="dimmed">
          {`When the core team cannot gather, lend a member the lead's authority for at most ${MAX_GRANT_HOURS} hours. Everything they do under it is marked in the timeline and the audit trail.`}
        </Text>
        <Select
          label="Member"
          required
          placeholder="Choose an ERT member or SMS administrator"
          data={candidates.map((m) => ({ value: m.userId, label: `${m.displayName} (${roleLabels[m.role]})` }))}
          value={form.values.granteeId || null}
          onChange={(v) => form.setField("granteeId", v ?? "")}
          error={form.errors.granteeId ? "Choose who receives the authority" : undefined}
        />
        <Textarea
          label="Justification"
          required
          autosize
          minRows={2}
          value={form.values.justification}
          onChange={(e) => form.setField("justification", e.currentTarget.value)}
          error={form.errors.justification}
        />
        <NumberInput
          label="Hours"
          description={`1 to ${MAX_GRANT_HOURS}`}
          required
          min={1}
          max={MAX_GRANT_HOURS}
          allowDecimal={false}
          value={form.values.durationHours}
          onChange={(v) => form.setField("durationHours", v)}
          error={form.errors.durationHours}
          w={140}
        />
        {grant.error ? <ErrorAlert error={grant.error} title="The authority was not granted" /> : null}
        <Group justify="flex-end">
          <Button type="submit" loading={grant.isPending}>
            Grant authority
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The response team: who is in it, who holds authority (the lead, or a grant with its countdown). */
export function RosterCard({ warRoom, now }: { warRoom: WarRoom; now: number }) {
  const access = useProcessAccess();
  const revoke = useRevokeGrant(warRoom.emergency.id);
  const isLead = access.can("grantAuthority");
  const open = warRoom.emergency.record.state !== "CLOSED";
  const grants = [...warRoom.grants].sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt));
  return (
    <Card withBorder component="section" aria-labelledby="roster-heading">
      <Title order={2} size="h4" id="roster-heading" mb="sm">
        Response team
      </Title>
      <Stack component="ul" gap="xs" m={0} p={0} style={{ listStyle: "none" }}>
        {warRoom.roster.map((m) => (
          <Group component="li" key={m.userId} justify="space-between" wrap="nowrap" align="flex-start">
            <div>
              <Text size="sm" fw={600}>
                {m.displayName}
                {m.userId === access.userId ? " (you)" : ""}
              </Text>
              <Text size="xs" c="dimmed">
                {roleLabels[m.role]}
              </Text>
            </div>
            {m.authority === "LEAD" ? (
              <Badge color="indigo" variant="filled" tt="none" leftSection={<IconCrown size={12} aria-hidden />}>
                Authority: ERT lead
              </Badge>
            ) : m.authority === "GRANT" && m.grantExpiresAt ? (
              <Stack gap={2} align="flex-end">
                <Badge color="orange" variant="light" tt="none" leftSection={<IconShieldCheck size={12} aria-hidden />}>
                  Authority by grant
                </Badge>
                <Text size="xs">{expiryWords(m.grantExpiresAt, now)}</Text>
              </Stack>
            ) : (
              <Text size="xs" c="dimmed">
                No authority
              </Text>
            )}
          </Group>
        ))}
      </Stack>
      {grants.length > 0 ? (
        <>
          <Divider my="sm" />
          <Title order={3} size="h5" mb={6}>
            Grants
          </Title>
          <Stack gap="xs">
            {grants.map((g) => (
              <div key={g.id}>
                <Group gap={6} wrap="wrap">
                  <Text size="sm" fw={600}>
                    {g.granteeName}
                  </Text>
                  <Badge size="xs" variant="light" color={g.status === "ACTIVE" ? "orange" : "gray"} tt="none">
                    {g.status === "ACTIVE" ? `Active · ${expiryWords(g.expiresAt, now)}` : grantStatusLabels[g.status]}
                  </Badge>
                </Group>
                <Text size="xs">{g.justification}</Text>
                <Text size="xs" c="dimmed">
                  {`Granted by ${g.grantedByName}, ${formatDateTime(g.startsAt)} – ${formatDateTime(g.expiresAt)}`}
                </Text>
                {isLead && g.status === "ACTIVE" ? (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    mt={2}
                    loading={revoke.isPending && revoke.variables === g.id}
                    onClick={() => revoke.mutate(g.id)}
                  >
                    {`Revoke ${g.granteeName}'s grant`}
                  </Button>
                ) : null}
              </div>
            ))}
          </Stack>
          {revoke.error ? <ErrorAlert error={revoke.error} title="The grant was not revoked" /> : null}
        </>
      ) : null}
      {open ? (
        isLead ? (
          <>
            <Divider my="sm" />
            <GrantForm warRoom={warRoom} />
          </>
        ) : (
          <Text size="xs" c="dimmed" mt="sm">
            {access.reason("Granting emergency authority", "grantAuthority")}
          </Text>
        )
      ) : null}
    </Card>
  );
}
