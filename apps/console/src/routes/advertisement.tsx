import {
  ADVERT_PRIORITIES,
  advertisementDialogLabels,
  advertisementView,
  advertPriorityLabels,
  formatFlagWord,
  localDpModeLabels,
  noLocalDpModeLabels,
  scheduleTabState,
  UpdateAdvertisementBodySchema,
  withRemoteClientModes,
  type AdvertisementRecord,
  type AdvertPriority,
  type LocalDpMode,
  type NoLocalDpMode,
} from "@firebreak/domain";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Grid,
  Group,
  List,
  Radio,
  Select,
  Stack,
  Switch,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import {
  IconAlertTriangle,
  IconArrowLeft,
  IconChartDots3,
  IconCircleCheck,
  IconLock,
  IconPhoneOff,
  IconPlus,
  IconTrash,
  IconWifi,
} from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import {
  addAsSoonAsPossible,
  addAssignmentAt,
  assignmentsOf,
  bodyFromDraft,
  draftFromRecord,
  isoToLocalInput,
  localInputToIso,
  removeAssignment,
  setScheduleBoxes,
  slowLinkVerdict,
  type AdvertisementDraft,
  type Assignment,
} from "../features/advertisements/advertisement-draft";
import { useSaveAdvertisement } from "../features/advertisements/advertisements.mutations";
import { advertisementKeys, advertisementQueries } from "../features/advertisements/advertisements.queries";
import { AdvertStateBadge, MandatoryBadge } from "../features/advertisements/components/advert-badges";
import { StatusSummary } from "../features/advertisements/components/status-summary";
import { HaltRulePanel } from "../features/halts/components/halt-rule-panel";
import { haltQueries } from "../features/halts/halts.queries";
import { collectionQueries } from "../features/computers/collections.queries";
import { AreaNav } from "../features/fleet/components/area-nav";
import { StaleAlert } from "../features/fleet/components/stale-alert";
import { isStaleWrite, useCanEditDistribution } from "../features/fleet/fleet";
import { requirePermission } from "../features/session/session.guards";
import { fieldErrorsFromZod } from "../lib/use-schema-form";
import { formatDateTime } from "../lib/format";

export const advertisementLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    const id = params.advertisementId ?? "";
    await queryClient.ensureQueryData(advertisementQueries.detail(id));
    void queryClient.prefetchQuery(advertisementQueries.status(id));
    void queryClient.prefetchQuery(haltQueries.rule(id));
    void queryClient.prefetchQuery(collectionQueries.list());
    return null;
  };

export function AdvertisementRoute() {
  const { advertisementId = "" } = useParams();
  const { data: advert } = useSuspenseQuery(advertisementQueries.detail(advertisementId));
  // Above the editor, which remounts with each new version: the save's callbacks must outlive it.
  const save = useSaveAdvertisement();
  return (
    <>
      <PageHeader
        title={advert.advertisementName}
        description={
          <Group gap="xs" component="span">
            <Text span ff="monospace" size="sm">
              {advert.advertisementId}
            </Text>
            <MandatoryBadge mandatory={advert.mandatory} />
            <AdvertStateBadge state={advert.state} />
          </Group>
        }
        actions={
          <>
            <Button
              component={Link}
              to="/sites/advertisements"
              variant="default"
              leftSection={<IconArrowLeft size={16} aria-hidden />}
            >
              All advertisements
            </Button>
            <Button
              component={Link}
              to={`/deployments/${encodeURIComponent(advert.advertisementId)}/forecast`}
              variant="default"
              leftSection={<IconChartDots3 size={16} aria-hidden />}
            >
              Forecast this advertisement…
            </Button>
          </>
        }
      />
      <AreaNav />
      <AdvertisementEditor key={`${advert.advertisementId}:${advert.version}`} advert={advert} save={save} />
    </>
  );
}

type TabId = "general" | "schedule" | "advanced";
const tabOfField = (key: string): TabId =>
  key.startsWith("remoteClientFlags")
    ? "advanced"
    : /^(presentTime|expirationTime|assignedSchedule|advertFlags|priority)/.test(key)
      ? "schedule"
      : "general";

function AdvertisementEditor({
  advert,
  save,
}: {
  advert: AdvertisementRecord;
  save: ReturnType<typeof useSaveAdvertisement>;
}) {
  const canEdit = useCanEditDistribution();
  const readOnly = !canEdit || advert.state === "DELETED";
  const queryClient = useQueryClient();
  const collections = useQuery(collectionQueries.list());
  const [draft, setDraft] = useState<AdvertisementDraft>(() => draftFromRecord(advert));
  const [tab, setTab] = useState<TabId>("schedule");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [attempted, setAttempted] = useState(false);
  const [newTime, setNewTime] = useState("");

  const validate = (d: AdvertisementDraft) => {
    const parsed = UpdateAdvertisementBodySchema.safeParse(bodyFromDraft(d));
    return parsed.success
      ? { ok: true as const, body: parsed.data }
      : { ok: false as const, errors: fieldErrorsFromZod(parsed.error) };
  };
  const change = (next: AdvertisementDraft) => {
    setDraft(next);
    if (attempted) {
      const r = validate(next);
      setErrors(r.ok ? {} : r.errors);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    const r = validate(draft);
    if (!r.ok) {
      setErrors(r.errors);
      const first = Object.keys(r.errors)[0];
      if (first) setTab(tabOfField(first));
      return;
    }
    setErrors({});
    save.mutate(
      { advertisement: advert, body: r.body },
      {
        onSuccess: (saved) =>
          notifications.show({
            color: "green",
            title: "Advertisement saved",
            message: `Saved ${saved.advertisementId} (version ${saved.version}).`,
          }),
      },
    );
  };

  const boxes = scheduleTabState(draft);
  const view = advertisementView(draft);
  const assignments = assignmentsOf(draft);
  const dirty = JSON.stringify(bodyFromDraft(draft)) !== JSON.stringify(bodyFromDraft(draftFromRecord(advert)));
  const errorCount = (t: TabId) => Object.keys(errors).filter((k) => tabOfField(k) === t).length;
  const tabLabel = (t: TabId, label: string) => (
    <Tabs.Tab
      value={t}
      rightSection={
        errorCount(t) > 0 ? (
          <Badge size="xs" color="red">
            {errorCount(t)}
          </Badge>
        ) : null
      }
    >
      {label}
    </Tabs.Tab>
  );

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 8 }}>
        <form onSubmit={submit} noValidate aria-label={`Properties of ${advert.advertisementId}`}>
          <Stack gap="md">
            <SlowLinkSummary advert={advert} draft={draft} dirty={dirty} />
            {readOnly ? (
              <Alert color="gray" variant="light" icon={<IconLock aria-hidden />} title="Read only">
                {advert.state === "DELETED"
                  ? "This advertisement is deleted."
                  : "Only SMS administrators can change advertisements."}
              </Alert>
            ) : null}
            {Object.keys(errors).length > 0 ? (
              <Alert color="red" variant="light" role="alert" title="Fix these before saving">
                <List size="sm">
                  {Object.entries(errors).map(([key, message]) => (
                    <List.Item key={key}>{message}</List.Item>
                  ))}
                </List>
              </Alert>
            ) : null}

            <Tabs value={tab} onChange={(v) => v && setTab(v as TabId)}>
              <Tabs.List>
                {tabLabel("general", "General")}
                {tabLabel("schedule", advertisementDialogLabels.scheduleTab)}
                {tabLabel("advanced", advertisementDialogLabels.advancedClientTab)}
              </Tabs.List>

              <Tabs.Panel value="general" pt="md">
                <Card withBorder>
                  <Stack gap="md" maw={640}>
                    <TextInput
                      label="Name"
                      required
                      value={draft.advertisementName}
                      onChange={(e) => change({ ...draft, advertisementName: e.currentTarget.value })}
                      error={errors.advertisementName}
                      readOnly={readOnly}
                    />
                    <Textarea
                      label="Comment"
                      autosize
                      minRows={2}
                      maxLength={127}
                      value={draft.comment}
                      onChange={(e) => change({ ...draft, comment: e.currentTarget.value })}
                      error={errors.comment}
                      readOnly={readOnly}
                    />
                    <Text size="sm">
                      Package and program:{" "}
                      <Anchor
                        component={Link}
                        to={`/sites/packages/${encodeURIComponent(draft.packageId)}/programs/${encodeURIComponent(draft.programName)}`}
                      >
                        {draft.packageId} / {draft.programName}
                      </Anchor>
                      {advert.programDisabled ? (
                        <Badge ml="xs" color="red" variant="filled" size="sm">
                          Program disabled
                        </Badge>
                      ) : null}
                    </Text>
                    <Select
                      label="Collection"
                      searchable
                      allowDeselect={false}
                      data={
                        collections.data?.items.map((c) => ({
                          value: c.collectionId,
                          label: `${c.collectionId} · ${c.name} (${c.memberCount} members)`,
                        })) ?? [{ value: draft.collectionId, label: draft.collectionId }]
                      }
                      value={draft.collectionId}
                      onChange={(v) => v && change({ ...draft, collectionId: v })}
                      error={errors.collectionId}
                      readOnly={readOnly}
                    />
                    <Checkbox
                      label={advertisementDialogLabels.includeSubCollection}
                      checked={draft.includeSubCollection}
                      onChange={(e) => change({ ...draft, includeSubCollection: e.currentTarget.checked })}
                      disabled={readOnly}
                    />
                    <Switch
                      label="Advertisement enabled"
                      description="A disabled advertisement is not offered to clients until it is enabled again."
                      checked={draft.state === "ACTIVE"}
                      onChange={(e) => change({ ...draft, state: e.currentTarget.checked ? "ACTIVE" : "DISABLED" })}
                      disabled={readOnly}
                    />
                  </Stack>
                </Card>
              </Tabs.Panel>

              <Tabs.Panel value="schedule" pt="md">
                <Card withBorder>
                  <Stack gap="md">
                    <Group align="flex-start" gap="lg" wrap="wrap">
                      <TextInput
                        type="datetime-local"
                        label={advertisementDialogLabels.presentTime}
                        description="Your local time"
                        required
                        value={isoToLocalInput(draft.presentTime)}
                        onChange={(e) => {
                          const iso = localInputToIso(e.currentTarget.value);
                          if (iso) change({ ...draft, presentTime: iso });
                        }}
                        error={errors.presentTime}
                        readOnly={readOnly}
                        w={260}
                      />
                      <Stack gap={6}>
                        <Checkbox
                          label={advertisementDialogLabels.expirationTime}
                          checked={draft.expirationTime !== null}
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            const proposed = new Date(
                              Date.parse(draft.presentTime) + 182 * 24 * 3600_000,
                            ).toISOString();
                            change({ ...draft, expirationTime: on ? proposed : null });
                          }}
                          disabled={readOnly}
                        />
                        <TextInput
                          type="datetime-local"
                          label="Expires at"
                          description="Your local time"
                          value={isoToLocalInput(draft.expirationTime)}
                          onChange={(e) => {
                            const iso = localInputToIso(e.currentTarget.value);
                            if (iso) change({ ...draft, expirationTime: iso });
                          }}
                          disabled={draft.expirationTime === null}
                          error={errors.expirationTime}
                          readOnly={readOnly}
                          w={260}
                        />
                      </Stack>
                    </Group>

                    <div>
                      <Title order={3} size="h5" id="mandatory-heading" mb={4}>
                        {advertisementDialogLabels.mandatoryAssignments}
                      </Title>
                      {assignments.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          None: the program is only offered; users choose whether to run it.
                        </Text>
                      ) : (
                        <Stack
                          gap={4}
                          component="ul"
                          aria-labelledby="mandatory-heading"
                          style={{ listStyle: "none", padding: 0, margin: 0 }}
                        >
                          {assignments.map((a) => (
                            <Group
                              key={a.kind === "TIME" ? `t${a.index}` : a.kind}
                              component="li"
                              gap="sm"
                              wrap="nowrap"
                            >
                              <Text size="sm">{assignmentLabel(a)}</Text>
                              {errors[`assignedSchedule.${a.kind === "TIME" ? a.index : -1}.startTime`] ? (
                                <Text size="xs" c="var(--mantine-color-error)">
                                  {errors[`assignedSchedule.${a.kind === "TIME" ? a.index : -1}.startTime`]}
                                </Text>
                              ) : null}
                              {readOnly ? null : (
                                <Button
                                  size="compact-xs"
                                  variant="subtle"
                                  color="red"
                                  leftSection={<IconTrash size={12} aria-hidden />}
                                  onClick={() => change(removeAssignment(draft, a))}
                                  aria-label={`Remove assignment: ${assignmentLabel(a)}`}
                                >
                                  Remove
                                </Button>
                              )}
                            </Group>
                          ))}
                        </Stack>
                      )}
                      {readOnly ? null : (
                        <Group gap="sm" mt="sm" align="flex-end" wrap="wrap">
                          <Button
                            size="xs"
                            variant="default"
                            leftSection={<IconPlus size={14} aria-hidden />}
                            disabled={assignments.some((a) => a.kind === "IMMEDIATE")}
                            onClick={() => change(addAsSoonAsPossible(draft))}
                          >
                            Add “As soon as possible”
                          </Button>
                          <TextInput
                            type="datetime-local"
                            size="xs"
                            label="New assignment at (your local time)"
                            value={newTime}
                            onChange={(e) => setNewTime(e.currentTarget.value)}
                            w={240}
                          />
                          <Button
                            size="xs"
                            variant="default"
                            leftSection={<IconPlus size={14} aria-hidden />}
                            disabled={!localInputToIso(newTime) || draft.assignedSchedule.length >= 15}
                            onClick={() => {
                              const iso = localInputToIso(newTime);
                              if (iso) {
                                change(addAssignmentAt(draft, iso));
                                setNewTime("");
                              }
                            }}
                          >
                            Add assignment at this time
                          </Button>
                        </Group>
                      )}
                    </div>

                    <Checkbox
                      label={advertisementDialogLabels.notMandatoryOverSlowLinks}
                      description={
                        boxes.notMandatoryOverSlowLinks.enabled
                          ? "Checked (the SMS default): computers on slow or unreliable links, such as dial-up and remote boundaries, are not forced. Clear it for an emergency release."
                          : "Available once the advertisement has a mandatory assignment."
                      }
                      checked={boxes.notMandatoryOverSlowLinks.checked}
                      disabled={readOnly || !boxes.notMandatoryOverSlowLinks.enabled}
                      onChange={(e) =>
                        change(setScheduleBoxes(draft, { notMandatoryOverSlowLinks: e.currentTarget.checked }))
                      }
                      error={errors.advertFlags}
                    />
                    <Checkbox
                      label={advertisementDialogLabels.allowUsersToRunIndependently}
                      description={
                        boxes.allowUsersToRunIndependently.enabled
                          ? "Users can also start the program themselves from Run Advertised Programs."
                          : "Available once the advertisement has a mandatory assignment."
                      }
                      checked={boxes.allowUsersToRunIndependently.checked}
                      disabled={readOnly || !boxes.allowUsersToRunIndependently.enabled}
                      onChange={(e) =>
                        change(setScheduleBoxes(draft, { allowUsersToRunIndependently: e.currentTarget.checked }))
                      }
                    />
                    <Select
                      label={advertisementDialogLabels.priority}
                      description="How fast the advertisement replicates to child sites."
                      data={ADVERT_PRIORITIES.map((p) => ({ value: String(p), label: advertPriorityLabels[p] }))}
                      value={String(draft.priority)}
                      allowDeselect={false}
                      onChange={(v) => v && change({ ...draft, priority: Number(v) as AdvertPriority })}
                      readOnly={readOnly}
                      w={200}
                    />
                    <Text size="xs" c="dimmed">
                      AdvertFlags <Code>{formatFlagWord(draft.advertFlags)}</Code>
                    </Text>
                  </Stack>
                </Card>
              </Tabs.Panel>

              <Tabs.Panel value="advanced" pt="md">
                <Card withBorder>
                  <Stack gap="lg">
                    <Radio.Group
                      label={advertisementDialogLabels.localDpGroup}
                      value={view.localDpMode}
                      onChange={(v) =>
                        change({
                          ...draft,
                          remoteClientFlags: withRemoteClientModes(draft.remoteClientFlags, {
                            localDpMode: v as LocalDpMode,
                          }),
                        })
                      }
                      error={errors.remoteClientFlags}
                    >
                      <Stack gap="xs" mt="xs">
                        {(Object.keys(localDpModeLabels) as LocalDpMode[]).map((m) => (
                          <Radio key={m} value={m} label={localDpModeLabels[m]} disabled={readOnly} />
                        ))}
                      </Stack>
                    </Radio.Group>
                    <Radio.Group
                      label={advertisementDialogLabels.noLocalDpGroup}
                      description="This is what a laptop on dial-up or a computer in a remote (slow) boundary does."
                      value={view.noLocalDpMode}
                      onChange={(v) =>
                        change({
                          ...draft,
                          remoteClientFlags: withRemoteClientModes(draft.remoteClientFlags, {
                            noLocalDpMode: v as NoLocalDpMode,
                          }),
                        })
                      }
                    >
                      <Stack gap="xs" mt="xs">
                        {(Object.keys(noLocalDpModeLabels) as NoLocalDpMode[]).map((m) => (
                          <Radio
                            key={m}
                            value={m}
                            label={noLocalDpModeLabels[m]}
                            description={
                              m === "RUN_REMOTE"
                                ? "Documented from ConfigMgr 2007 on."
                                : m === "DONT_RUN"
                                  ? "The SMS default."
                                  : undefined
                            }
                            disabled={readOnly}
                          />
                        ))}
                      </Stack>
                    </Radio.Group>
                    <Text size="xs" c="dimmed">
                      RemoteClientFlags <Code>{formatFlagWord(draft.remoteClientFlags)}</Code>
                    </Text>
                  </Stack>
                </Card>
              </Tabs.Panel>
            </Tabs>

            {isStaleWrite(save.error) ? (
              <StaleAlert
                onReload={() => {
                  save.reset();
                  void queryClient.invalidateQueries({ queryKey: advertisementKeys.all });
                }}
              />
            ) : save.error ? (
              <ErrorAlert error={save.error} title="The advertisement was not saved" />
            ) : null}
            {readOnly ? null : (
              <Group justify="flex-end" gap="sm">
                {dirty ? (
                  <Text size="sm" c="dimmed" role="status">
                    Unsaved changes
                  </Text>
                ) : null}
                <Button
                  variant="default"
                  disabled={!dirty}
                  onClick={() => {
                    setDraft(draftFromRecord(advert));
                    setErrors({});
                    setAttempted(false);
                  }}
                >
                  Discard changes
                </Button>
                <Button type="submit" loading={save.isPending}>
                  Save advertisement
                </Button>
              </Group>
            )}
            <Text size="xs" c="dimmed">
              Last changed {formatDateTime(advert.updatedAt)} · version {advert.version}
            </Text>
          </Stack>
        </form>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 4 }}>
        <Stack gap="lg">
          <StatusSummary advertisementId={advert.advertisementId} />
          <HaltRulePanel advertisementId={advert.advertisementId} />
        </Stack>
      </Grid.Col>
    </Grid>
  );
}

export function assignmentLabel(a: Assignment): string {
  if (a.kind !== "TIME")
    return { IMMEDIATE: "As soon as possible", ONUSERLOGON: "At user logon", ONUSERLOGOFF: "At user logoff" }[a.kind];
  const every = a.token.recurIntervalMinutes ? `, then every ${a.token.recurIntervalMinutes} minutes` : "";
  return `${formatDateTime(a.token.startTime)}${every}`;
}

/**
 * The emergency question in plain words: are dial-up and slow-boundary clients forced? It states
 * what is saved (the record's forcesDialUpClients / forcesSlowBoundaryClients) and, with unsaved
 * changes, what saving would make it.
 */
function SlowLinkSummary({
  advert,
  draft,
  dirty,
}: {
  advert: AdvertisementRecord;
  draft: AdvertisementDraft;
  dirty: boolean;
}) {
  const saved = slowLinkVerdict(advert, advert.programDisabled);
  const next = slowLinkVerdict(draft, advert.programDisabled);
  const anyForced = advert.forcesDialUpClients || advert.forcesSlowBoundaryClients;
  const line = (icon: ReactNode, who: string, forced: boolean) => (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      {icon}
      <Text size="md">
        {who}{" "}
        <Text span fw={800} tt="uppercase">
          {forced ? "will be forced" : "will not be forced"}
        </Text>{" "}
        to run the program.
      </Text>
    </Group>
  );
  return (
    <Alert
      variant="light"
      color={anyForced ? "orange" : "blue"}
      icon={anyForced ? <IconAlertTriangle aria-hidden /> : <IconCircleCheck aria-hidden />}
      title="Slow links and dial-up (saved settings)"
      styles={{
        root: {
          borderWidth: 2,
          borderStyle: "solid",
          borderColor: anyForced ? "var(--mantine-color-orange-6)" : "var(--mantine-color-blue-5)",
        },
        title: { fontSize: "var(--mantine-font-size-md)" },
      }}
      role="region"
    >
      <Stack gap={4}>
        {line(<IconPhoneOff size={20} aria-hidden />, "Dial-up clients", advert.forcesDialUpClients)}
        {line(
          <IconWifi size={20} aria-hidden />,
          "Clients in slow (remote) boundaries",
          advert.forcesSlowBoundaryClients,
        )}
        <Text size="sm">Because {saved.reason}.</Text>
        {dirty && (next.forced !== saved.forced || next.reason !== saved.reason) ? (
          <Text size="sm" fw={700} mt={4}>
            After saving: dial-up and slow-boundary clients {next.forced ? "WILL BE FORCED" : "WILL NOT BE FORCED"},
            because {next.reason}.
          </Text>
        ) : null}
      </Stack>
    </Alert>
  );
}
