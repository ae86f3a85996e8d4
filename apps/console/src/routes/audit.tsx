import { can, type AuditEntry } from "@firebreak/domain";
import { Alert, Button, EmptyState, Group, Pagination, Select, Stack, Text } from "@mantine/core";
import { IconFilterOff, IconInfoCircle } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { auditQueries } from "../features/audit/audit.queries";
import {
  auditSearchFrom,
  hasActiveFilters,
  PAGE_SIZES,
  parseAuditSearch,
  type AuditFilters,
  type FilterField,
} from "../features/audit/audit.search-params";
import { AuditEntryDrawer } from "../features/audit/components/audit-entry-drawer";
import { AuditFilterBar } from "../features/audit/components/audit-filter-bar";
import { AuditTable } from "../features/audit/components/audit-table";
import { VerifyChain } from "../features/audit/components/verify-chain";
import { requirePermission } from "../features/session/session.guards";
import { useSignedInSession } from "../features/session/use-session";
import { formatCount } from "../lib/format";

export const auditLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readAudit");
    const { filters } = parseAuditSearch(new URL(request.url).searchParams);
    await Promise.all([
      queryClient.ensureQueryData(auditQueries.list(filters)),
      queryClient.ensureQueryData(auditQueries.facets()),
    ]);
    return null;
  };

export function AuditRoute() {
  const session = useSignedInSession();
  const [searchParams, setSearchParams] = useSearchParams();
  const { filters, ignored } = parseAuditSearch(searchParams);
  const { data: page } = useSuspenseQuery(auditQueries.list(filters));
  const { data: facets } = useSuspenseQuery(auditQueries.facets());
  const [openSeq, setOpenSeq] = useState<string | null>(null);
  const openEntry: AuditEntry | null = page.items.find((entry) => entry.seq === openSeq) ?? null;

  const go = (next: AuditFilters) => setSearchParams(auditSearchFrom(next));
  const applyFilters = (chosen: Partial<Record<FilterField, string>>) =>
    go({ ...chosen, page: 1, pageSize: filters.pageSize });

  const pageCount = Math.max(1, Math.ceil(page.total / page.pageSize));
  const first = page.total === 0 ? 0 : (page.page - 1) * page.pageSize + 1;
  const last = Math.min(page.total, page.page * page.pageSize);
  const summary =
    page.total === 0
      ? "No entries"
      : `Entries ${formatCount(first)}–${formatCount(last)} of ${formatCount(page.total)}`;

  return (
    <>
      <PageHeader
        title="Audit"
        description="Every change, who made it and when, with the state before and after. The log is append-only and hash-chained."
        actions={can(session.user.role, "verifyAudit") ? <VerifyChain /> : null}
      />

      {ignored.length > 0 ? (
        <Alert
          color="yellow"
          variant="light"
          icon={<IconInfoCircle aria-hidden />}
          title="Some filters in the link were ignored"
          mb="md"
        >
          {ignored.join(" · ")}
        </Alert>
      ) : null}

      {/* Keyed by the URL, so the form shows the filters of the view being looked at (e.g. after Back). */}
      <AuditFilterBar key={searchParams.toString()} filters={filters} facets={facets} onApply={applyFilters} />

      <Stack gap="md" component="section" aria-label="Audit entries">
        <Text fw={600} role="status">
          {formatCount(page.total)} matching entr{page.total === 1 ? "y" : "ies"}
        </Text>

        {page.items.length === 0 ? (
          <EmptyState variant="light" color="gray" icon={<IconFilterOff aria-hidden />}>
            <EmptyState.Title order={2}>No audit entries</EmptyState.Title>
            <EmptyState.Description>
              {hasActiveFilters(filters)
                ? "Nothing matches these filters. Widen the time range or clear the filters."
                : page.page > 1
                  ? "This page is past the last entry."
                  : "Nothing has been recorded yet."}
            </EmptyState.Description>
            {hasActiveFilters(filters) || page.page > 1 ? (
              <EmptyState.Actions>
                <Button variant="default" onClick={() => go({ page: 1, pageSize: filters.pageSize })}>
                  Show all entries
                </Button>
              </EmptyState.Actions>
            ) : null}
          </EmptyState>
        ) : (
          <AuditTable entries={page.items} caption={summary} onOpen={(entry) => setOpenSeq(entry.seq)} />
        )}

        <Group justify="space-between" wrap="wrap">
          <nav aria-label="Audit pages">
            <Pagination
              total={pageCount}
              value={Math.min(page.page, pageCount)}
              onChange={(next) => go({ ...filters, page: next })}
              withEdges
              getItemProps={(n) => ({ "aria-label": `Page ${n}` })}
              getControlProps={(control) => ({
                "aria-label": { first: "First page", previous: "Previous page", next: "Next page", last: "Last page" }[
                  control
                ],
              })}
            />
          </nav>
          <Select
            label="Entries per page"
            w={160}
            data={PAGE_SIZES.map(String)}
            value={String(filters.pageSize)}
            allowDeselect={false}
            onChange={(value) => value && go({ ...filters, page: 1, pageSize: Number(value) })}
          />
        </Group>
      </Stack>

      <AuditEntryDrawer entry={openEntry} onClose={() => setOpenSeq(null)} />
    </>
  );
}
