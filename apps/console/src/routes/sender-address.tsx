import {
  addressTypeLabels,
  UpdateSenderAddressBodySchema,
  type HourUsage,
  type SenderAddressRecord,
  type UpdateSenderAddressBody,
} from "@firebreak/domain";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  NumberInput,
  Stack,
  Tabs,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconInfoCircle, IconLock } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { AreaNav } from "../features/fleet/components/area-nav";
import { StaleAlert } from "../features/fleet/components/stale-alert";
import { isStaleWrite, useCanEditDistribution } from "../features/fleet/fleet";
import { AvailabilityGrid, type Schedule } from "../features/senders/components/availability-grid";
import { RateLimitsFields } from "../features/senders/components/rate-limits-fields";
import { scheduleSummary } from "../features/senders/hour-usage";
import {
  draftFromRateLimit,
  sameRateLimit,
  validateRateLimit,
  type RateLimitDraft,
  type RateLimitErrors,
} from "../features/senders/rate-limit-draft";
import { useUpdateSenderAddress } from "../features/senders/senders.mutations";
import { senderKeys, senderQueries } from "../features/senders/senders.queries";
import { requirePermission } from "../features/session/session.guards";
import { siteQueries } from "../features/sites/sites.queries";
import { fieldErrorsFromZod } from "../lib/use-schema-form";
import { formatDateTime } from "../lib/format";
import { formatBandwidth } from "./sender-addresses";

export const senderAddressLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    await Promise.all([
      queryClient.ensureQueryData(senderQueries.detail(params.addressId ?? "")),
      queryClient.ensureQueryData(siteQueries.list()),
    ]);
    return null;
  };

export function SenderAddressRoute() {
  const { addressId = "" } = useParams();
  const { data: address } = useSuspenseQuery(senderQueries.detail(addressId));
  // Above the editor, which remounts with each new version: the save's callbacks must outlive it.
  const update = useUpdateSenderAddress();
  const { data: sites } = useSuspenseQuery(siteQueries.list());
  const name = (code: string) => sites.items.find((s) => s.siteCode === code)?.name ?? code;

  return (
    <>
      <PageHeader
        title={`Address ${address.siteCode} → ${address.destSiteCode}`}
        description={`${addressTypeLabels[address.addressType]} from ${name(address.siteCode)} to ${name(address.destSiteCode)}, ${formatBandwidth(address.bandwidthKbps)}.`}
        actions={
          <Button
            component={Link}
            to="/sites/senders"
            variant="default"
            leftSection={<IconArrowLeft size={16} aria-hidden />}
          >
            All addresses
          </Button>
        }
      />
      <AreaNav />
      {/* Keyed by version: after a reload brings someone else's change, the form starts from it. */}
      <SenderAddressEditor key={`${address.addressId}:${address.version}`} address={address} update={update} />
    </>
  );
}

type TabId = "schedule" | "rate" | "general";

/** Only what changed is sent, so a save never overwrites a field this form did not touch. */
export function senderChanges(
  address: SenderAddressRecord,
  draft: {
    schedule: Schedule;
    rate: RateLimitDraft;
    priorityOrder: number | "";
    bandwidthKbps: number | "";
    unavailableAsSubstitute: boolean;
  },
  rateLimit: SenderAddressRecord["rateLimit"] | null,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (JSON.stringify(draft.schedule) !== JSON.stringify(address.usageSchedule)) body.usageSchedule = draft.schedule;
  if (rateLimit && !sameRateLimit(rateLimit, address.rateLimit)) body.rateLimit = rateLimit;
  if (draft.priorityOrder !== address.priorityOrder)
    body.priorityOrder = draft.priorityOrder === "" ? undefined : draft.priorityOrder;
  if (draft.bandwidthKbps !== address.bandwidthKbps)
    body.bandwidthKbps = draft.bandwidthKbps === "" ? undefined : draft.bandwidthKbps;
  if (draft.unavailableAsSubstitute !== address.unavailableAsSubstitute)
    body.unavailableAsSubstitute = draft.unavailableAsSubstitute;
  return body;
}

function SenderAddressEditor({
  address,
  update,
}: {
  address: SenderAddressRecord;
  update: ReturnType<typeof useUpdateSenderAddress>;
}) {
  const canEdit = useCanEditDistribution();
  const queryClient = useQueryClient();
  const [tab, setTab] = useState<TabId>("schedule");
  const [schedule, setSchedule] = useState<Schedule>(() => address.usageSchedule.map((row) => [...row] as HourUsage[]));
  const [rate, setRate] = useState<RateLimitDraft>(() => draftFromRateLimit(address.rateLimit));
  const [priorityOrder, setPriorityOrder] = useState<number | "">(address.priorityOrder);
  const [bandwidthKbps, setBandwidthKbps] = useState<number | "">(address.bandwidthKbps);
  const [unavailableAsSubstitute, setUnavailableAsSubstitute] = useState(address.unavailableAsSubstitute);
  const [rateErrors, setRateErrors] = useState<RateLimitErrors>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [attempted, setAttempted] = useState(false);
  const [nothingToSave, setNothingToSave] = useState(false);

  const draft = { schedule, rate, priorityOrder, bandwidthKbps, unavailableAsSubstitute };
  const rateResult = validateRateLimit(rate);
  const dirty = Object.keys(senderChanges(address, draft, rateResult.value)).length > 0 || rateResult.errors !== null;

  const onRateChange = (next: RateLimitDraft) => {
    setRate(next);
    setNothingToSave(false);
    if (attempted) setRateErrors(validateRateLimit(next).errors ?? {});
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    const checked = validateRateLimit(rate);
    setRateErrors(checked.errors ?? {});
    if (checked.errors) {
      setTab("rate");
      return;
    }
    const body = senderChanges(address, draft, checked.value);
    const errors: Record<string, string> = {};
    if (priorityOrder === "") errors.priorityOrder = "Enter the address priority";
    if (bandwidthKbps === "") errors.bandwidthKbps = "Enter the link bandwidth";
    const parsed = UpdateSenderAddressBodySchema.safeParse(body);
    if (!parsed.success) {
      const zodErrors = fieldErrorsFromZod(parsed.error);
      if ("_form" in zodErrors && Object.keys(body).length === 0 && Object.keys(errors).length === 0) {
        setFieldErrors({});
        setNothingToSave(true);
        return;
      }
      Object.assign(errors, zodErrors);
    }
    if (Object.keys(errors).length > 0 || !parsed.success) {
      setFieldErrors(errors);
      if (errors.priorityOrder || errors.bandwidthKbps) setTab("general");
      return;
    }
    setFieldErrors({});
    update.mutate(
      { address, body: parsed.data as UpdateSenderAddressBody },
      {
        onSuccess: (saved) =>
          notifications.show({
            color: "green",
            title: "Address saved",
            message: `Saved ${saved.siteCode} → ${saved.destSiteCode} (version ${saved.version}).`,
          }),
      },
    );
  };

  const stale = isStaleWrite(update.error);
  const rateHasErrors = Object.keys(rateErrors).length > 0;

  return (
    <form onSubmit={submit} noValidate aria-label={`Address ${address.siteCode} to ${address.destSiteCode}`}>
      <Stack gap="md">
        {address.relaxedForEmergency ? (
          <Alert color="orange" variant="light" icon={<IconInfoCircle aria-hidden />} title="Relaxed for an emergency">
            An emergency has opened this address; its previous settings are saved and will be restored when the
            emergency closes.
          </Alert>
        ) : null}
        {canEdit ? null : (
          <Alert color="gray" variant="light" icon={<IconLock aria-hidden />} title="Read only">
            Only SMS administrators can change sender addresses.
          </Alert>
        )}
        <Tabs value={tab} onChange={(v) => v && setTab(v as TabId)} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="schedule">Schedule</Tabs.Tab>
            <Tabs.Tab
              value="rate"
              rightSection={
                rateHasErrors ? (
                  <Badge size="xs" color="red">
                    Check
                  </Badge>
                ) : null
              }
            >
              Rate Limits
            </Tabs.Tab>
            <Tabs.Tab
              value="general"
              rightSection={
                fieldErrors.priorityOrder || fieldErrors.bandwidthKbps ? (
                  <Badge size="xs" color="red">
                    Check
                  </Badge>
                ) : null
              }
            >
              General
            </Tabs.Tab>
          </Tabs.List>

          <Tabs.Panel value="schedule" pt="md">
            <Card withBorder>
              <Title order={2} size="h4" id="availability-heading" mb={4}>
                Availability
              </Title>
              <Text size="sm" c="dimmed" mb="sm">
                {scheduleSummary(schedule)}
              </Text>
              <AvailabilityGrid
                value={schedule}
                onChange={canEdit ? setSchedule : undefined}
                readOnly={!canEdit}
                labelledBy="availability-heading"
              />
              <Checkbox
                mt="md"
                label="Unavailable to substitute for inoperative addresses"
                checked={unavailableAsSubstitute}
                onChange={(e) => setUnavailableAsSubstitute(e.currentTarget.checked)}
                disabled={!canEdit}
              />
            </Card>
          </Tabs.Panel>

          <Tabs.Panel value="rate" pt="md">
            <Card withBorder>
              <RateLimitsFields draft={rate} onChange={onRateChange} errors={rateErrors} readOnly={!canEdit} />
            </Card>
          </Tabs.Panel>

          <Tabs.Panel value="general" pt="md">
            <Card withBorder>
              <Stack gap="md" maw={420}>
                <NumberInput
                  label="Address priority"
                  description="1 is tried first; a lower-priority address can stand in when a higher one fails."
                  min={1}
                  allowDecimal={false}
                  value={priorityOrder}
                  onChange={(v) => setPriorityOrder(typeof v === "number" ? v : v === "" ? "" : Number(v))}
                  error={fieldErrors.priorityOrder}
                  readOnly={!canEdit}
                />
                <NumberInput
                  label="Link bandwidth (kbit/s)"
                  description="Not an SMS setting: the forecast and the simulator use it to estimate transfer times."
                  min={1}
                  value={bandwidthKbps}
                  onChange={(v) => setBandwidthKbps(typeof v === "number" ? v : v === "" ? "" : Number(v))}
                  error={fieldErrors.bandwidthKbps}
                  readOnly={!canEdit}
                />
                <Text size="xs" c="dimmed">
                  Last changed {formatDateTime(address.updatedAt)} · version {address.version}
                </Text>
              </Stack>
            </Card>
          </Tabs.Panel>
        </Tabs>

        {nothingToSave && !dirty ? (
          <Text size="sm" role="status">
            Nothing to save: no setting has changed.
          </Text>
        ) : null}
        {stale ? (
          <StaleAlert
            onReload={() => {
              update.reset();
              void queryClient.invalidateQueries({ queryKey: senderKeys.all });
            }}
          />
        ) : update.error ? (
          <ErrorAlert error={update.error} title="The address was not saved" />
        ) : null}
        {canEdit ? (
          <Group justify="space-between">
            <Anchor component={Link} to="/sites/senders" size="sm">
              Back to all addresses
            </Anchor>
            <Group gap="sm">
              {dirty ? (
                <Text size="sm" c="dimmed" role="status">
                  Unsaved changes
                </Text>
              ) : null}
              <Button type="submit" loading={update.isPending}>
                Save address
              </Button>
            </Group>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
}
