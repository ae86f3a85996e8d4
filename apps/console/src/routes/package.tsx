import {
  PREFERRED_SENDERS,
  preferredSenderLabels,
  ProgramFlags,
  SENDING_PRIORITIES,
  sendingPriorityLabels,
  formatFlagWord,
  UpdatePackageBodySchema,
  type DpState,
  type PackageDetail,
  type PreferredSender,
  type SendingPriority,
} from "@firebreak/domain";
import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Grid,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconRefresh } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { AreaNav } from "../features/fleet/components/area-nav";
import { StaleAlert } from "../features/fleet/components/stale-alert";
import { isStaleWrite, useCanEditDistribution } from "../features/fleet/fleet";
import { DpProgress } from "../features/packages/components/dp-progress";
import { formatSizeKB } from "../features/packages/format";
import { useUpdatePackage } from "../features/packages/packages.mutations";
import { packageKeys, packageQueries } from "../features/packages/packages.queries";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

export const packageLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    await queryClient.ensureQueryData(packageQueries.detail(params.packageId ?? ""));
    return null;
  };

const dpStateLabels: Record<DpState, string> = {
  PENDING: "Pending",
  IN_PROGRESS: "In progress",
  INSTALLED: "Installed",
  FAILED: "Failed",
};
const dpStateColors: Record<DpState, string> = {
  PENDING: "gray",
  IN_PROGRESS: "blue",
  INSTALLED: "green",
  FAILED: "red",
};

export function PackageRoute() {
  const { packageId = "" } = useParams();
  const { data: pkg } = useSuspenseQuery(packageQueries.detail(packageId));
  // Above the settings form, which remounts with each new version: callbacks must outlive it.
  const update = useUpdatePackage();
  const distributions = [...pkg.distributions].sort(
    (a, b) => a.siteCode.localeCompare(b.siteCode) || a.serverName.localeCompare(b.serverName),
  );

  return (
    <>
      <PageHeader
        title={pkg.name}
        description={`Package ${pkg.packageId}${pkg.pkgVersion ? `, version ${pkg.pkgVersion}` : ""}${pkg.updateIds.length ? ` · updates ${pkg.updateIds.join(", ")}` : ""}`}
        actions={
          <Button
            component={Link}
            to="/sites/packages"
            variant="default"
            leftSection={<IconArrowLeft size={16} aria-hidden />}
          >
            All packages
          </Button>
        }
      />
      <AreaNav />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="lg">
            <Card withBorder component="section" aria-labelledby="pkg-source-heading">
              <Title order={2} size="h4" id="pkg-source-heading" mb="sm">
                Source
              </Title>
              <Table variant="vertical" fz="sm" withTableBorder={false}>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th w={160}>Package ID</Table.Th>
                    <Table.Td>
                      <Code>{pkg.packageId}</Code>
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Source version</Table.Th>
                    <Table.Td>
                      {pkg.sourceVersion} (since {formatDateTime(pkg.sourceDate)})
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Size</Table.Th>
                    <Table.Td>{formatSizeKB(pkg.sizeKB)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Source site</Table.Th>
                    <Table.Td>{pkg.sourceSite ?? "—"}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Kind</Table.Th>
                    <Table.Td>{pkg.kind === "ROLLBACK" ? "Rollback package" : "Deployment package"}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Distribution points</Table.Th>
                    <Table.Td>
                      <DpProgress
                        current={pkg.dpCurrentCount}
                        total={pkg.dpCount}
                        label="Distribution points with the current version"
                      />
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </Card>
            <DistributionSettings key={`${pkg.packageId}:${pkg.version}`} pkg={pkg} update={update} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <Card withBorder component="section" aria-labelledby="pkg-programs-heading">
              <Title order={2} size="h4" id="pkg-programs-heading" mb="sm">
                Programs
              </Title>
              {pkg.programs.length === 0 ? (
                <Text size="sm">
                  This package has no programs yet; add one with POST /api/fleets/production/packages/{pkg.packageId}
                  /programs.
                </Text>
              ) : (
                <Table.ScrollContainer minWidth={560}>
                  <Table fz="sm" verticalSpacing="xs">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">Program</Table.Th>
                        <Table.Th scope="col">Command line</Table.Th>
                        <Table.Th scope="col">Flags</Table.Th>
                        <Table.Th scope="col">State</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {pkg.programs.map((p) => (
                        <Table.Tr key={p.programName}>
                          <Table.Td>
                            <Anchor
                              component={Link}
                              to={`/sites/packages/${encodeURIComponent(pkg.packageId)}/programs/${encodeURIComponent(p.programName)}`}
                              fw={600}
                            >
                              {p.programName}
                            </Anchor>
                            <Text size="xs" c="dimmed">
                              {p.kind === "ROLLBACK" ? "Rollback" : "Install"}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Code style={{ wordBreak: "break-all" }}>{p.commandLine}</Code>
                          </Table.Td>
                          <Table.Td>
                            <Text size="xs" ff="monospace">
                              {formatFlagWord(p.programFlags)}
                            </Text>
                            <Text size="xs" c="dimmed">
                              {ProgramFlags.namesOf(p.programFlags).join(", ") || "none"}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            {p.disabled ? (
                              <Badge color="red" variant="filled">
                                Disabled — halted
                              </Badge>
                            ) : (
                              <Badge color="green" variant="light">
                                Enabled
                              </Badge>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Card>

            <Card withBorder component="section" aria-labelledby="pkg-dps-heading">
              <Title order={2} size="h4" id="pkg-dps-heading" mb="sm">
                Distribution points
              </Title>
              {distributions.length === 0 ? (
                <Text size="sm">No distribution point is targeted yet.</Text>
              ) : (
                <Table.ScrollContainer minWidth={620}>
                  <Table fz="sm" verticalSpacing="xs" striped>
                    <Table.Caption>{`${pkg.dpCurrentCount} of ${pkg.dpCount} hold source version ${pkg.sourceVersion}`}</Table.Caption>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">Distribution point</Table.Th>
                        <Table.Th scope="col">State</Table.Th>
                        <Table.Th scope="col">Stored version</Table.Th>
                        <Table.Th scope="col">Via</Table.Th>
                        <Table.Th scope="col">Updated</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {distributions.map((d) => (
                        <Table.Tr key={`${d.siteCode}/${d.serverName}`}>
                          <Table.Td>
                            <Text size="sm" ff="monospace">
                              {d.serverName}
                            </Text>
                            <Text size="xs" c="dimmed">
                              Site {d.siteCode}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Badge color={dpStateColors[d.state]} variant="light">
                              {dpStateLabels[d.state]}
                            </Badge>
                          </Table.Td>
                          <Table.Td>
                            {d.current ? (
                              <Text size="sm">{d.storedVersion} · current</Text>
                            ) : (
                              <Text size="sm" fw={600} c="var(--mantine-color-orange-light-color)">
                                {d.storedVersion} of {pkg.sourceVersion} · {pkg.sourceVersion - d.storedVersion} behind
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>{d.via === "COURIER_PARCEL" ? "Courier parcel" : "Network"}</Table.Td>
                          <Table.Td style={{ whiteSpace: "nowrap" }}>{formatDateTime(d.updatedAt)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}

/** The package Distribution Settings tab, plus "Update distribution points" (a new source version). */
function DistributionSettings({ pkg, update }: { pkg: PackageDetail; update: ReturnType<typeof useUpdatePackage> }) {
  const canEdit = useCanEditDistribution();
  const queryClient = useQueryClient();
  const [sendingPriority, setSendingPriority] = useState<SendingPriority>(pkg.sendingPriority);
  const [preferredSender, setPreferredSender] = useState<PreferredSender>(pkg.preferredSender);
  const [ignoreAddressSchedule, setIgnoreAddressSchedule] = useState(pkg.ignoreAddressSchedule);
  const [confirmRefresh, setConfirmRefresh] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = () => {
    const body = {
      ...(sendingPriority !== pkg.sendingPriority ? { sendingPriority } : {}),
      ...(preferredSender !== pkg.preferredSender ? { preferredSender } : {}),
      ...(ignoreAddressSchedule !== pkg.ignoreAddressSchedule ? { ignoreAddressSchedule } : {}),
    };
    const parsed = UpdatePackageBodySchema.safeParse(body);
    if (!parsed.success) {
      setError("Nothing to save: no setting has changed.");
      return;
    }
    setError(null);
    update.mutate(
      { pkg, body: parsed.data },
      {
        onSuccess: () =>
          notifications.show({
            color: "green",
            title: "Package saved",
            message: `Saved the distribution settings of ${pkg.packageId}.`,
          }),
      },
    );
  };
  const refresh = () =>
    update.mutate(
      { pkg, body: { refreshSource: true } },
      {
        onSuccess: (saved) => {
          setConfirmRefresh(false);
          notifications.show({
            color: "green",
            title: "Distribution points updated",
            message: `${saved.packageId} is now at source version ${saved.sourceVersion}.`,
          });
        },
        onError: () => setConfirmRefresh(false),
      },
    );

  return (
    <Card withBorder component="section" aria-labelledby="pkg-distribution-heading">
      <Title order={2} size="h4" id="pkg-distribution-heading" mb="sm">
        Distribution settings
      </Title>
      <Stack gap="md">
        <Select
          label="Sending priority"
          description="Order in which packages travel to child sites; also what address schedules let through."
          data={SENDING_PRIORITIES.map((p) => ({ value: p, label: sendingPriorityLabels[p] }))}
          value={sendingPriority}
          allowDeselect={false}
          onChange={(v) => v && setSendingPriority(v as SendingPriority)}
          readOnly={!canEdit}
        />
        <Select
          label="Preferred sender"
          description="Courier Sender ships the package as parcels (CD, tape) to sites whose link cannot carry it in time."
          data={PREFERRED_SENDERS.map((s) => ({ value: s, label: preferredSenderLabels[s] }))}
          value={preferredSender}
          allowDeselect={false}
          onChange={(v) => v && setPreferredSender(v as PreferredSender)}
          readOnly={!canEdit}
        />
        <Checkbox
          label="Ignore address schedules (IgnoreAddressSchedule)"
          description="Send this package even in hours the sender addresses are closed to its priority."
          checked={ignoreAddressSchedule}
          onChange={(e) => setIgnoreAddressSchedule(e.currentTarget.checked)}
          disabled={!canEdit}
        />
        {error ? (
          <Text size="sm" role="status">
            {error}
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
          <ErrorAlert error={update.error} title="The package was not saved" />
        ) : null}
        {canEdit ? (
          <Group justify="space-between">
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} aria-hidden />}
              onClick={() => setConfirmRefresh(true)}
            >
              Update distribution points
            </Button>
            <Button onClick={save} loading={update.isPending && !confirmRefresh}>
              Save settings
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Only SMS administrators can change packages.
          </Text>
        )}
      </Stack>
      <Modal opened={confirmRefresh} onClose={() => setConfirmRefresh(false)} title="Update distribution points?">
        <Stack gap="md">
          <Text size="sm">
            This makes source version {pkg.sourceVersion + 1} from the package source. Every distribution point then
            fetches the change; a point more than five versions behind receives the whole package (
            {formatSizeKB(pkg.sizeKB)}).
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmRefresh(false)}>
              Cancel
            </Button>
            <Button onClick={refresh} loading={update.isPending}>
              Update distribution points
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
