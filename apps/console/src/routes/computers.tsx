import { CLIENT_TYPES, clientTypeLabels, CONNECTION_PROFILES, connectionProfileLabels } from "@firebreak/domain";
import { Button, Group, Loader, Pagination, Select, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { IconFilterOff, IconSearch } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { collectionQueries } from "../features/computers/collections.queries";
import { ComputerTable } from "../features/computers/components/computer-table";
import { computerQueries } from "../features/computers/computers.queries";
import {
  COMPUTER_PAGE_SIZES,
  computerSearchFrom,
  hasComputerFilters,
  parseComputerSearch,
  toggleSort,
  type ComputerFilters,
} from "../features/computers/computers.search-params";
import { AreaNav } from "../features/fleet/components/area-nav";
import { FleetEmpty } from "../features/fleet/components/fleet-empty";
import { requirePermission } from "../features/session/session.guards";
import { siteQueries } from "../features/sites/sites.queries";
import { formatCount } from "../lib/format";

export const computersLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    // The page itself is not awaited: the screen opens with skeleton rows and keeps the previous
    // page on screen while a new filter, sort or page loads.
    void queryClient.prefetchQuery(computerQueries.page(parseComputerSearch(new URL(request.url).searchParams)));
    await Promise.all([
      queryClient.ensureQueryData(siteQueries.list()),
      queryClient.ensureQueryData(collectionQueries.list()),
    ]);
    return null;
  };

const anyOption = (label: string) => ({ value: "", label });

export function ComputersRoute() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = parseComputerSearch(searchParams);
  const page = useQuery(computerQueries.page(filters));
  const { data: sites } = useSuspenseQuery(siteQueries.list());
  const { data: collections } = useSuspenseQuery(collectionQueries.list());
  const [search, setSearch] = useState(filters.search ?? "");

  const go = (next: ComputerFilters, replace = false) =>
    setSearchParams(computerSearchFrom(next), { replace, preventScrollReset: true });
  const debouncedSearch = useDebouncedCallback((value: string) => {
    const next = { ...filters, page: 1 } as ComputerFilters;
    if (value.trim()) next.search = value.trim();
    else delete next.search;
    go(next, true);
  }, 300);

  const data = page.data;
  const total = data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / filters.pageSize));
  const first = total === 0 ? 0 : (filters.page - 1) * filters.pageSize + 1;
  const last = Math.min(total, filters.page * filters.pageSize);
  const caption = data
    ? total === 0
      ? "No computers"
      : `Computers ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}`
    : "Loading computers";
  const totalFleet = sites.items.reduce((n, s) => n + s.computerCount, 0);
  const optional = <K extends keyof ComputerFilters>(key: K, value: string | null) => {
    const next = { ...filters, page: 1 };
    if (value) (next as Record<string, unknown>)[key] = value;
    else delete next[key];
    go(next);
  };

  return (
    <>
      <PageHeader
        title="Computers"
        description="Every client and server the fleet reports: where it sits, how it connects and what kind of client it runs."
      />
      <AreaNav />
      {sites.items.length === 0 && totalFleet === 0 ? (
        <FleetEmpty title="No computers yet" />
      ) : (
        <Stack gap="md">
          <form role="search" aria-label="Filter computers" onSubmit={(e) => e.preventDefault()}>
            <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm" verticalSpacing="sm">
              <TextInput
                label="Name contains"
                leftSection={<IconSearch size={16} aria-hidden />}
                value={search}
                onChange={(e) => {
                  setSearch(e.currentTarget.value);
                  debouncedSearch(e.currentTarget.value);
                }}
                placeholder="e.g. LT0012"
                maxLength={100}
              />
              <Select
                label="Site"
                data={[
                  anyOption("Any site"),
                  ...sites.items.map((s) => ({ value: s.siteCode, label: `${s.siteCode} · ${s.name}` })),
                ]}
                value={filters.site ?? ""}
                onChange={(v) => optional("site", v)}
                searchable
              />
              <Select
                label="Connection"
                data={[
                  anyOption("Any connection"),
                  ...CONNECTION_PROFILES.map((p) => ({ value: p, label: connectionProfileLabels[p] })),
                ]}
                value={filters.profile ?? ""}
                onChange={(v) => optional("profile", v)}
              />
              <Select
                label="Client type"
                data={[anyOption("Any client"), ...CLIENT_TYPES.map((t) => ({ value: t, label: clientTypeLabels[t] }))]}
                value={filters.client ?? ""}
                onChange={(v) => optional("client", v)}
              />
              <Select
                label="Laptops"
                data={[
                  anyOption("Laptops and others"),
                  { value: "true", label: "Laptops only" },
                  { value: "false", label: "No laptops" },
                ]}
                value={filters.laptop ?? ""}
                onChange={(v) => optional("laptop", v)}
              />
              <Select
                label="Patch infrastructure"
                data={[
                  anyOption("Include servers with SMS roles"),
                  { value: "true", label: "Patch infrastructure only" },
                  { value: "false", label: "Exclude patch infrastructure" },
                ]}
                value={filters.infra ?? ""}
                onChange={(v) => optional("infra", v)}
              />
              <Select
                label="Collection"
                data={[
                  anyOption("Any collection"),
                  ...collections.items.map((c) => ({ value: c.collectionId, label: `${c.collectionId} · ${c.name}` })),
                ]}
                value={filters.collection ?? ""}
                onChange={(v) => optional("collection", v)}
                searchable
              />
              <Group align="flex-end">
                <Button
                  variant="default"
                  leftSection={<IconFilterOff size={16} aria-hidden />}
                  disabled={!hasComputerFilters(filters)}
                  onClick={() => {
                    setSearch("");
                    go({ sort: filters.sort, order: filters.order, page: 1, pageSize: filters.pageSize });
                  }}
                >
                  Clear filters
                </Button>
              </Group>
            </SimpleGrid>
          </form>

          <Group justify="space-between" align="center">
            <Group gap="xs">
              <Text fw={600} role="status">
                {data
                  ? `${formatCount(total)} computer${total === 1 ? "" : "s"}${hasComputerFilters(filters) ? " match" : ""}`
                  : "Loading computers…"}
              </Text>
              {page.isFetching && data ? <Loader size="xs" aria-label="Updating" /> : null}
            </Group>
            <Text size="sm" c="dimmed">
              {data && total > 0 ? caption : null}
            </Text>
          </Group>

          {page.isError ? (
            <ErrorAlert error={page.error} title="Could not load the computers" />
          ) : data && total === 0 ? (
            <FleetEmpty title={hasComputerFilters(filters) ? "No computer matches these filters" : "No computers yet"}>
              {hasComputerFilters(filters) ? "Widen the filters or clear them." : undefined}
            </FleetEmpty>
          ) : (
            <ComputerTable
              rows={data?.items ?? null}
              filters={filters}
              total={total}
              busy={page.isFetching}
              onSort={(sort) => go(toggleSort(filters, sort))}
              caption={caption}
            />
          )}

          <Group justify="space-between" wrap="wrap">
            <nav aria-label="Computer pages">
              <Pagination
                total={pageCount}
                value={Math.min(filters.page, pageCount)}
                onChange={(next) => go({ ...filters, page: next })}
                withEdges
                siblings={1}
                getItemProps={(n) => ({ "aria-label": `Page ${n}` })}
                getControlProps={(control) => ({
                  "aria-label": {
                    first: "First page",
                    previous: "Previous page",
                    next: "Next page",
                    last: "Last page",
                  }[control],
                })}
              />
            </nav>
            <Select
              label="Computers per page"
              w={180}
              data={COMPUTER_PAGE_SIZES.map(String)}
              value={String(filters.pageSize)}
              allowDeselect={false}
              onChange={(v) => v && go({ ...filters, page: 1, pageSize: Number(v) })}
            />
          </Group>
        </Stack>
      )}
    </>
  );
}
