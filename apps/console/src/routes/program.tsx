import {
  afterRunningLabels,
  formatFlagWord,
  MAX_RUN_MINUTES_MAX,
  programCanRunLabels,
  programDialogLabels,
  ProgramFlags,
  programView,
  runModeLabels,
  runWindowLabels,
  UpdateProgramBodySchema,
  whenAssignedLabels,
  withProgramDisabled,
  type ProgramRecord,
} from "@firebreak/domain";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Modal,
  NumberInput,
  Skeleton,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertOctagon, IconArrowLeft, IconLock } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { advertisementQueries } from "../features/advertisements/advertisements.queries";
import { AreaNav } from "../features/fleet/components/area-nav";
import { StaleAlert } from "../features/fleet/components/stale-alert";
import { isStaleWrite, useCanEditDistribution } from "../features/fleet/fleet";
import { useUpdateProgram } from "../features/packages/packages.mutations";
import { packageKeys, packageQueries } from "../features/packages/packages.queries";
import { requirePermission } from "../features/session/session.guards";
import { fieldErrorsFromZod } from "../lib/use-schema-form";

export const programLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    await queryClient.ensureQueryData(packageQueries.program(params.packageId ?? "", params.programName ?? ""));
    void queryClient.prefetchQuery(advertisementQueries.list());
    return null;
  };

export function ProgramRoute() {
  const { packageId = "", programName = "" } = useParams();
  const { data: program } = useSuspenseQuery(packageQueries.program(packageId, programName));
  // Above the editor, which remounts with each new version: the save's callbacks must outlive it.
  const update = useUpdateProgram();
  return (
    <>
      <PageHeader
        title={`Program ${program.programName}`}
        description={`Package ${program.packageId} · ${program.kind === "ROLLBACK" ? "rollback program" : "install program"}`}
        actions={
          <Button
            component={Link}
            to={`/sites/packages/${encodeURIComponent(packageId)}`}
            variant="default"
            leftSection={<IconArrowLeft size={16} aria-hidden />}
          >
            Package {packageId}
          </Button>
        }
      />
      <AreaNav />
      <ProgramEditor
        key={`${program.packageId}/${program.programName}:${program.version}`}
        program={program}
        update={update}
      />
    </>
  );
}

export const DISABLE_CONFIRM_TITLE = "Disable this program?";

function ProgramEditor({ program, update }: { program: ProgramRecord; update: ReturnType<typeof useUpdateProgram> }) {
  const canEdit = useCanEditDistribution();
  const queryClient = useQueryClient();
  const adverts = useQuery(advertisementQueries.list());
  const [tab, setTab] = useState<string>("general");
  const [commandLine, setCommandLine] = useState(program.commandLine);
  const [comment, setComment] = useState(program.comment ?? "");
  const [maxRunMinutes, setMaxRunMinutes] = useState<number | "">(program.maxRunMinutes ?? "");
  const [disabled, setDisabled] = useState(program.disabled);
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [nothing, setNothing] = useState(false);

  const flags = withProgramDisabled(program.programFlags, disabled);
  const view = programView(flags);
  const decoded = ProgramFlags.decode(flags);
  const advertisedBy =
    adverts.data?.items.filter((a) => a.packageId === program.packageId && a.programName === program.programName) ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = {
      ...(commandLine.trim() !== program.commandLine ? { commandLine } : {}),
      ...((comment || null) !== program.comment ? { comment: comment || null } : {}),
      ...((maxRunMinutes === "" ? null : maxRunMinutes) !== program.maxRunMinutes
        ? { maxRunMinutes: maxRunMinutes === "" ? null : maxRunMinutes }
        : {}),
      ...(disabled !== program.disabled ? { disabled } : {}),
    };
    if (Object.keys(body).length === 0) {
      setNothing(true);
      return;
    }
    setNothing(false);
    const parsed = UpdateProgramBodySchema.safeParse(body);
    if (!parsed.success) {
      setErrors(fieldErrorsFromZod(parsed.error));
      setTab("general");
      return;
    }
    setErrors({});
    update.mutate(
      { program, body: parsed.data },
      {
        onSuccess: (saved) =>
          notifications.show({
            color: saved.disabled ? "red" : "green",
            title: saved.disabled ? "Program disabled" : "Program saved",
            message: saved.disabled
              ? `${saved.programName} will not start on computers where it is advertised.`
              : `Saved ${saved.programName}.`,
          }),
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label={`Program ${program.programName} properties`}>
      <Stack gap="md">
        {program.disabled ? (
          <Alert color="red" variant="filled" icon={<IconAlertOctagon aria-hidden />} title="This program is disabled">
            The release is halted: computers where it is advertised do not start it.
          </Alert>
        ) : null}
        {canEdit ? null : (
          <Alert color="gray" variant="light" icon={<IconLock aria-hidden />} title="Read only">
            Only SMS administrators can change programs.
          </Alert>
        )}
        <Tabs value={tab} onChange={(v) => v && setTab(v)}>
          <Tabs.List>
            <Tabs.Tab value="general">General</Tabs.Tab>
            <Tabs.Tab value="environment">Environment</Tabs.Tab>
            <Tabs.Tab
              value="advanced"
              rightSection={
                disabled ? (
                  <Badge size="xs" color="red">
                    Disabled
                  </Badge>
                ) : null
              }
            >
              Advanced
            </Tabs.Tab>
            <Tabs.Tab value="flags">Flags</Tabs.Tab>
          </Tabs.List>

          <Tabs.Panel value="general" pt="md">
            <Card withBorder>
              <Stack gap="md" maw={720}>
                <TextInput
                  label="Command line"
                  required
                  ff="monospace"
                  value={commandLine}
                  onChange={(e) => setCommandLine(e.currentTarget.value)}
                  error={errors.commandLine}
                  readOnly={!canEdit}
                  styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
                />
                <Textarea
                  label="Comment"
                  autosize
                  minRows={2}
                  maxLength={127}
                  value={comment}
                  onChange={(e) => setComment(e.currentTarget.value)}
                  error={errors.comment}
                  readOnly={!canEdit}
                />
                <NumberInput
                  label="Maximum allowed run time (minutes)"
                  description={`Empty = unknown. Up to ${MAX_RUN_MINUTES_MAX} minutes; when exceeded SMS stops monitoring the program (it is not killed).`}
                  min={1}
                  max={MAX_RUN_MINUTES_MAX}
                  allowDecimal={false}
                  clampBehavior="none"
                  value={maxRunMinutes}
                  onChange={(v) => setMaxRunMinutes(typeof v === "number" ? v : v === "" ? "" : Number(v))}
                  error={errors.maxRunMinutes}
                  readOnly={!canEdit}
                  maw={320}
                />
                <Text size="sm">
                  {programDialogLabels.afterRunning}: <strong>{afterRunningLabels[view.afterRunning]}</strong> ·{" "}
                  {programDialogLabels.run}: <strong>{runWindowLabels[view.runWindow]}</strong>
                </Text>
              </Stack>
            </Card>
          </Tabs.Panel>

          <Tabs.Panel value="environment" pt="md">
            <Card withBorder>
              <Table variant="vertical" fz="sm" withTableBorder={false} maw={720}>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th w={260}>{programDialogLabels.programCanRun}</Table.Th>
                    <Table.Td>{programCanRunLabels[view.runWhen]}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{programDialogLabels.runMode}</Table.Th>
                    <Table.Td>{runModeLabels[view.runMode]}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{programDialogLabels.whenAssigned}</Table.Th>
                    <Table.Td>{whenAssignedLabels[view.whenAssigned]}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Checks the update is present first</Table.Th>
                    <Table.Td>{program.checksUpdatePresent ? "Yes (rollback option A)" : "No"}</Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </Card>
          </Tabs.Panel>

          <Tabs.Panel value="advanced" pt="md">
            <Card withBorder>
              <Stack gap="sm" maw={720}>
                <Checkbox
                  label={programDialogLabels.disabled}
                  description="The halt lever: computers where the program is advertised do not start it while this is checked."
                  checked={disabled}
                  disabled={!canEdit}
                  onChange={(e) => {
                    if (e.currentTarget.checked) setConfirming(true);
                    else setDisabled(false);
                  }}
                />
                {disabled !== program.disabled ? (
                  <Alert
                    color={disabled ? "red" : "green"}
                    variant="light"
                    role="status"
                    title={disabled ? "Will be disabled when you save" : "Will be enabled again when you save"}
                  >
                    {disabled
                      ? "Saving halts the release of this program."
                      : "Saving lets computers start this program again, as their advertisements say."}
                  </Alert>
                ) : null}
                <Title order={3} size="h5" mt="sm">
                  Advertised by
                </Title>
                {adverts.isPending ? (
                  <Skeleton height={14} width="60%" aria-label="Loading advertisements" />
                ) : advertisedBy.length === 0 ? (
                  <Text size="sm">No advertisement uses this program.</Text>
                ) : (
                  <Stack gap={4}>
                    {advertisedBy.map((a) => (
                      <Anchor
                        key={a.advertisementId}
                        component={Link}
                        to={`/sites/advertisements/${encodeURIComponent(a.advertisementId)}`}
                        size="sm"
                      >
                        {a.advertisementId} · {a.advertisementName}
                        {a.mandatory ? " (mandatory)" : ""}
                      </Anchor>
                    ))}
                  </Stack>
                )}
              </Stack>
            </Card>
          </Tabs.Panel>

          <Tabs.Panel value="flags" pt="md">
            <Card withBorder>
              <Text size="sm" mb="sm">
                ProgramFlags <Code>{formatFlagWord(flags)}</Code> ({flags})
                {disabled !== program.disabled ? `, saved value ${formatFlagWord(program.programFlags)}` : ""}
              </Text>
              <Table fz="sm" verticalSpacing={4} striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Flag</Table.Th>
                    <Table.Th scope="col">Bit</Table.Th>
                    <Table.Th scope="col">Set</Table.Th>
                    <Table.Th scope="col">Meaning</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {ProgramFlags.bits.map((b) => (
                    <Table.Tr key={b.name}>
                      <Table.Td>
                        <Code>{b.name}</Code>
                        {b.era === "CM07" ? (
                          <Text span size="xs" c="dimmed" ml={4}>
                            (ConfigMgr 2007)
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {formatFlagWord(b.bit)}
                        </Text>
                      </Table.Td>
                      <Table.Td>{decoded.flags[b.name] ? <strong>Yes</strong> : "No"}</Table.Td>
                      <Table.Td>{b.meaning}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {decoded.unknownBits !== 0 ? (
                <Text size="sm" mt="sm">
                  Other bits set (kept as they are): <Code>{formatFlagWord(decoded.unknownBits)}</Code>
                </Text>
              ) : null}
            </Card>
          </Tabs.Panel>
        </Tabs>

        {nothing ? (
          <Text size="sm" role="status">
            Nothing to save: no setting has changed.
          </Text>
        ) : null}
        {isStaleWrite(update.error) ? (
          <StaleAlert
            onReload={() => {
              update.reset();
              void queryClient.invalidateQueries({ queryKey: packageKeys.all });
            }}
          />
        ) : update.error ? (
          <ErrorAlert error={update.error} title="The program was not saved" />
        ) : null}
        {canEdit ? (
          <Group justify="flex-end">
            <Button type="submit" loading={update.isPending} color={disabled && !program.disabled ? "red" : undefined}>
              {disabled && !program.disabled ? "Save and disable program" : "Save program"}
            </Button>
          </Group>
        ) : null}
      </Stack>

      <Modal opened={confirming} onClose={() => setConfirming(false)} title={DISABLE_CONFIRM_TITLE}>
        <Stack gap="md">
          <Text size="sm">
            Disabling <strong>{program.programName}</strong> halts the release: computers where it is advertised will
            not start it, even for mandatory assignments. Runs already in progress finish and nothing is uninstalled;
            use a rollback program for that.
          </Text>
          <Text size="sm">
            It sets the DISABLED bit (<Code>{formatFlagWord(ProgramFlags.bitOf.DISABLED)}</Code>) of ProgramFlags and is
            recorded in the audit trail. It takes effect when you save.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Keep it enabled
            </Button>
            <Button
              color="red"
              onClick={() => {
                setDisabled(true);
                setConfirming(false);
              }}
            >
              Disable program
            </Button>
          </Group>
        </Stack>
      </Modal>
    </form>
  );
}
