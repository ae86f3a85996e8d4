import { ListAuditQuerySchema } from "@firebreak/domain";

/** The audit view's state, kept in the URL so a view can be shared. */
export interface AuditFilters {
  actor?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  /** ISO-8601 */
  from?: string;
  /** ISO-8601 */
  to?: string;
  page: number;
  pageSize: number;
}

export const FILTER_FIELDS = ["actor", "entityType", "entityId", "action", "from", "to"] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

const fieldLabels: Record<string, string> = {
  actor: "Actor",
  entityType: "Entity type",
  entityId: "Entity id",
  action: "Action",
  from: "From",
  to: "To",
  page: "Page",
  pageSize: "Page size",
};

export interface ParsedAuditSearch {
  filters: AuditFilters;
  /** Parts of the URL that were not valid and were therefore ignored. */
  ignored: string[];
}

/** Reads the filters from the URL with the API's own query schema; invalid parts are dropped and reported. */
export function parseAuditSearch(params: URLSearchParams): ParsedAuditSearch {
  const raw: Record<string, string> = {};
  for (const key of [...FILTER_FIELDS, "page", "pageSize"]) {
    const value = params.get(key)?.trim();
    if (value) raw[key] = value;
  }
  const ignored: string[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const result = ListAuditQuerySchema.safeParse(raw);
    if (result.success) {
      const { page, pageSize, ...rest } = result.data;
      const filters: AuditFilters = { page, pageSize };
      for (const field of FILTER_FIELDS) {
        const value = rest[field];
        if (value) filters[field] = value;
      }
      return { filters, ignored };
    }
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? "");
      if (field in raw) {
        ignored.push(`${fieldLabels[field] ?? field}: ${issue.message}`);
        delete raw[field];
      }
    }
  }
  return { filters: { page: 1, pageSize: DEFAULT_PAGE_SIZE }, ignored };
}

/** The URL search params of a view; defaults are left out to keep links short. */
export function auditSearchFrom(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) {
    const value = filters[field];
    if (value) params.set(field, value);
  }
  if (filters.page !== 1) params.set("page", String(filters.page));
  if (filters.pageSize !== DEFAULT_PAGE_SIZE) params.set("pageSize", String(filters.pageSize));
  return params;
}

export const hasActiveFilters = (filters: AuditFilters): boolean =>
  FILTER_FIELDS.some((field) => Boolean(filters[field]));
