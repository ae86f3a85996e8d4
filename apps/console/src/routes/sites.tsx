import { boundaryConnectionLabels, siteTypeLabels, type SiteRecord } from "@firebreak/domain";
import {
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
} from "@mantine/core";
import { IconBuildingCommunity, IconPencil, IconPlus } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { AreaNav } from "../features/fleet/components/area-nav";
import { FleetEmpty } from "../features/fleet/components/fleet-empty";
import { useCanEditDistribution } from "../features/fleet/fleet";
import { senderQueries } from "../features/senders/senders.queries";
import { requirePermission } from "../features/session/session.guards";
import { CreateSiteModal, EditSiteModal } from "../features/sites/components/site-modals";
import { PatchInfrastructureMarker, RoleBadges } from "../features/sites/components/role-badges";
import {
  buildSiteTree,
  formatUtcOffset,
  subtreeComputerCount,
  type SiteNode,
  type SiteSystemItem,
} from "../features/sites/site-tree";
import { siteQueries } from "../features/sites/sites.queries";
import classes from "../features/sites/components/site-tree.module.css";
import { formatCount } from "../lib/format";
import { formatBandwidth } from "./sender-addresses";

export const sitesLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    await Promise.all([
      queryClient.ensureQueryData(siteQueries.list()),
      queryClient.ensureQueryData(siteQueries.systems()),
    ]);
    // The detail panel's lists load alongside; the tree does not wait for them.
    void queryClient.prefetchQuery(siteQueries.boundaries());
    void queryClient.prefetchQuery(senderQueries.list());
    return null;
  };

type SystemsBySite = Map<string, SiteSystemItem[]>;

export function SitesRoute() {
  const { data: sites } = useSuspenseQuery(siteQueries.list());
  const { data: systems } = useSuspenseQuery(siteQueries.systems());
  const [searchParams, setSearchParams] = useSearchParams();
  const canEdit = useCanEditDistribution();
  const [creating, setCreating] = useState(false);

  const tree = buildSiteTree(sites.items);
  const systemsBySite: SystemsBySite = new Map();
  for (const s of [...systems.items].sort((a, b) => a.serverName.localeCompare(b.serverName))) {
    const list = systemsBySite.get(s.siteCode) ?? [];
    list.push(s);
    systemsBySite.set(s.siteCode, list);
  }
  const selectedCode = searchParams.get("site") ?? tree[0]?.site.siteCode ?? null;
  const selected = sites.items.find((s) => s.siteCode === selectedCode) ?? null;
  const select = (code: string) => setSearchParams({ site: code }, { preventScrollReset: true });

  return (
    <>
      <PageHeader
        title="Site hierarchy"
        description="SMS sites from the central site down, their computers and their site systems. Servers with any SMS role are patch infrastructure: patched by hand in an emergency."
        actions={
          canEdit ? (
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
              Add site
            </Button>
          ) : null
        }
      />
      <AreaNav />
      {sites.items.length === 0 ? (
        <FleetEmpty title="No sites yet" />
      ) : (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Card withBorder component="section" aria-labelledby="hierarchy-heading">
              <Title order={2} size="h4" id="hierarchy-heading" mb="sm">
                Hierarchy
              </Title>
              <Text size="sm" c="dimmed" mb="sm">
                {`${sites.items.length} sites · ${formatCount(sites.items.reduce((n, s) => n + s.computerCount, 0))} computers · ${systems.items.length} site systems`}
              </Text>
              <SiteTreeList
                nodes={tree}
                systemsBySite={systemsBySite}
                selected={selectedCode}
                onSelect={select}
                level={1}
              />
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            {selected ? (
              <SiteDetail site={selected} sites={sites.items} systems={systemsBySite.get(selected.siteCode) ?? []} />
            ) : null}
          </Grid.Col>
        </Grid>
      )}
      {canEdit ? <CreateSiteModal opened={creating} onClose={() => setCreating(false)} sites={sites.items} /> : null}
    </>
  );
}

function SiteTreeList({
  nodes,
  systemsBySite,
  selected,
  onSelect,
  level,
}: {
  nodes: SiteNode[];
  systemsBySite: SystemsBySite;
  selected: string | null;
  onSelect: (code: string) => void;
  level: number;
}) {
  return (
    <ul className={level === 1 ? classes.tree : classes.children}>
      {nodes.map((node) => {
        const { site } = node;
        const servers = systemsBySite.get(site.siteCode) ?? [];
        const below = subtreeComputerCount(node);
        const isSelected = site.siteCode === selected;
        return (
          <li key={site.siteCode}>
            <div className={classes.node} data-selected={isSelected || undefined} data-type={site.type}>
              <UnstyledButton
                className={classes.select}
                onClick={() => onSelect(site.siteCode)}
                aria-pressed={isSelected}
                aria-label={`${site.siteCode} ${site.name}, ${siteTypeLabels[site.type]}`}
              >
                <Group gap="xs" wrap="nowrap">
                  <Badge
                    variant={site.type === "CENTRAL" ? "filled" : "light"}
                    color={site.type === "SECONDARY" ? "gray" : "indigo"}
                    radius="sm"
                    size="lg"
                    ff="monospace"
                  >
                    {site.siteCode}
                  </Badge>
                  <div>
                    <Text fw={600} size="sm" lh={1.2}>
                      {site.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {siteTypeLabels[site.type]} · {formatCount(site.computerCount)} computer
                      {site.computerCount === 1 ? "" : "s"}
                      {node.children.length > 0 ? ` (${formatCount(below)} with child sites)` : ""}
                    </Text>
                  </div>
                </Group>
              </UnstyledButton>
              {servers.length > 0 ? (
                <ul className={classes.servers} aria-label={`Site systems of ${site.siteCode}`}>
                  {servers.map((server) => (
                    <li key={server.serverName}>
                      <Text span size="xs" ff="monospace" fw={600}>
                        {server.serverName}
                      </Text>
                      <RoleBadges roles={server.roles} />
                      {server.isPatchInfrastructure ? <PatchInfrastructureMarker compact /> : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <Text size="xs" c="dimmed" mt={4}>
                  No site systems recorded
                </Text>
              )}
            </div>
            {node.children.length > 0 ? (
              <SiteTreeList
                nodes={node.children}
                systemsBySite={systemsBySite}
                selected={selected}
                onSelect={onSelect}
                level={level + 1}
              />
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function SiteDetail({ site, sites, systems }: { site: SiteRecord; sites: SiteRecord[]; systems: SiteSystemItem[] }) {
  const canEdit = useCanEditDistribution();
  const [editing, setEditing] = useState(false);
  const boundaries = useQuery(siteQueries.boundaries());
  const senders = useQuery(senderQueries.list());
  const parent = sites.find((s) => s.siteCode === site.parentSiteCode);
  const children = sites.filter((s) => s.parentSiteCode === site.siteCode);
  const siteBoundaries = boundaries.data?.items.filter((b) => b.siteCode === site.siteCode) ?? [];
  const outgoing = senders.data?.items.filter((a) => a.siteCode === site.siteCode) ?? [];

  return (
    <Card withBorder component="section" aria-labelledby="site-detail-heading" className={classes.detail}>
      <Group justify="space-between" align="flex-start" mb="sm">
        <div>
          <Title order={2} size="h4" id="site-detail-heading">
            {site.siteCode} · {site.name}
          </Title>
          <Text size="sm" c="dimmed">
            {siteTypeLabels[site.type]}
          </Text>
        </div>
        {canEdit ? (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconPencil size={14} aria-hidden />}
            onClick={() => setEditing(true)}
          >
            Edit site
          </Button>
        ) : null}
      </Group>
      <Table variant="vertical" layout="fixed" fz="sm" withTableBorder={false}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={150}>Parent site</Table.Th>
            <Table.Td>
              {parent ? (
                <Anchor component={Link} to={`/sites?site=${parent.siteCode}`} size="sm">
                  {parent.siteCode} · {parent.name}
                </Anchor>
              ) : (
                "None (top of the hierarchy)"
              )}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Child sites</Table.Th>
            <Table.Td>{children.length === 0 ? "None" : children.map((c) => c.siteCode).join(", ")}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Time zone</Table.Th>
            <Table.Td>{formatUtcOffset(site.utcOffsetMinutes)} (address schedules use this local time)</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Computers</Table.Th>
            <Table.Td>
              <Anchor component={Link} to={`/sites/computers?site=${site.siteCode}`} size="sm">
                {formatCount(site.computerCount)} computer{site.computerCount === 1 ? "" : "s"}
              </Anchor>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>

      <Title order={3} size="h5" mt="md" mb={6}>
        Site systems
      </Title>
      {systems.length === 0 ? (
        <Text size="sm">No site systems recorded for this site.</Text>
      ) : (
        <Table fz="sm" verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Server</Table.Th>
              <Table.Th scope="col">Roles</Table.Th>
              <Table.Th scope="col">BITS</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {systems.map((s) => (
              <Table.Tr key={s.serverName}>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {s.serverName}
                  </Text>
                  {s.isPatchInfrastructure ? <PatchInfrastructureMarker /> : null}
                </Table.Td>
                <Table.Td>
                  <RoleBadges roles={s.roles} />
                </Table.Td>
                <Table.Td>{s.bitsEnabled ? "Yes" : "No"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <Title order={3} size="h5" mt="md" mb={6}>
        Roaming boundaries
      </Title>
      {boundaries.isPending ? (
        <Stack gap={6} aria-busy="true" aria-label="Loading boundaries">
          <Skeleton height={14} />
          <Skeleton height={14} />
          <Skeleton height={14} width="70%" />
        </Stack>
      ) : boundaries.isError ? (
        <ErrorAlert error={boundaries.error} title="Could not load the boundaries" />
      ) : siteBoundaries.length === 0 ? (
        <Text size="sm">No boundaries recorded for this site.</Text>
      ) : (
        <Table fz="sm" verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Boundary</Table.Th>
              <Table.Th scope="col">Value</Table.Th>
              <Table.Th scope="col">Connection</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {siteBoundaries.map((b) => (
              <Table.Tr key={b.boundaryId}>
                <Table.Td>{b.boundaryId}</Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace">
                    {b.value}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {boundaryConnectionLabels[b.connection]}
                  {b.linkKbps ? ` · ${formatBandwidth(b.linkKbps)}` : ""}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <Title order={3} size="h5" mt="md" mb={6}>
        Sender addresses from this site
      </Title>
      {senders.isPending ? (
        <Skeleton height={14} aria-label="Loading sender addresses" />
      ) : outgoing.length === 0 ? (
        <Text size="sm">No addresses: this site sends nothing to other sites.</Text>
      ) : (
        <Group gap="xs">
          {outgoing.map((a) => (
            <Anchor
              key={a.addressId}
              component={Link}
              to={`/sites/senders/${encodeURIComponent(a.addressId)}`}
              size="sm"
            >
              <IconBuildingCommunity size={14} aria-hidden /> {a.siteCode} → {a.destSiteCode} (
              {formatBandwidth(a.bandwidthKbps)})
            </Anchor>
          ))}
        </Group>
      )}
      {canEdit ? <EditSiteModal site={editing ? site : null} onClose={() => setEditing(false)} /> : null}
    </Card>
  );
}
