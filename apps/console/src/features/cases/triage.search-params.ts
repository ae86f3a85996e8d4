import { PHASES, RELEASE_PRIORITIES, type Phase, type ReleasePriority } from "@firebreak/domain";

/** The board's view, kept in the URL so a filtered board can be shared. */
export interface TriageFilters {
  priority?: ReleasePriority;
  phase?: Phase;
  /** Only open cases (the default): leaves out Closed and Not relevant. */
  open: boolean;
}

const oneOf = <T extends string>(list: readonly T[], v: string | null): T | undefined =>
  v !== null && (list as readonly string[]).includes(v) ? (v as T) : undefined;

/** Reads the view from the URL; anything unknown falls back to its default (never an API 400). */
export function parseTriageSearch(params: URLSearchParams): TriageFilters {
  const filters: TriageFilters = { open: params.get("open") !== "false" };
  const priority = oneOf(RELEASE_PRIORITIES, params.get("priority"));
  if (priority) filters.priority = priority;
  const phase = oneOf(PHASES, params.get("phase"));
  if (phase) filters.phase = phase;
  return filters;
}

/** The URL of a view; defaults are left out. */
export function triageSearchFrom(filters: TriageFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.priority) params.set("priority", filters.priority);
  if (filters.phase) params.set("phase", filters.phase);
  if (!filters.open) params.set("open", "false");
  return params;
}

/** The API's query (GET /api/cases, ListCasesQuerySchema names); one page holds the whole board. */
export function triageApiQuery(filters: TriageFilters): Record<string, string | number | undefined> {
  return {
    priority: filters.priority,
    phase: filters.phase,
    open: filters.open ? "true" : undefined,
    page: 1,
    pageSize: BOARD_PAGE_SIZE,
  };
}

/** The API's largest page; a board with more cases than this says so. */
export const BOARD_PAGE_SIZE = 500;

export const hasTriageFilters = (f: TriageFilters): boolean => Boolean(f.priority || f.phase || !f.open);
