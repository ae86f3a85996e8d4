import {
  CLIENT_TYPES,
  COMPUTER_SORT_FIELDS,
  CONNECTION_PROFILES,
  type ClientType,
  type ConnectionProfile,
} from "@firebreak/domain";

export type ComputerSort = (typeof COMPUTER_SORT_FIELDS)[number];
export type SortOrder = "asc" | "desc";
export type TriState = "true" | "false";

/** The computers view, kept in the URL (short names) so a filtered view can be shared. */
export interface ComputerFilters {
  search?: string;
  site?: string;
  profile?: ConnectionProfile;
  client?: ClientType;
  laptop?: TriState;
  infra?: TriState;
  collection?: string;
  sort: ComputerSort;
  order: SortOrder;
  page: number;
  pageSize: number;
}

export const COMPUTER_PAGE_SIZES = [50, 100, 250, 500] as const;
export const DEFAULT_COMPUTER_PAGE_SIZE = 100;
export const FILTER_KEYS = ["search", "site", "profile", "client", "laptop", "infra", "collection"] as const;

const oneOf = <T extends string>(list: readonly T[], v: string | null): T | undefined =>
  v !== null && (list as readonly string[]).includes(v) ? (v as T) : undefined;
const positiveInt = (v: string | null): number | undefined => {
  if (v === null || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 1 ? n : undefined;
};

/** Reads the view from the URL; anything invalid falls back to its default (never an API 400). */
export function parseComputerSearch(params: URLSearchParams): ComputerFilters {
  const filters: ComputerFilters = {
    sort: oneOf(COMPUTER_SORT_FIELDS, params.get("sort")) ?? "name",
    order: oneOf(["asc", "desc"] as const, params.get("order")) ?? "asc",
    page: positiveInt(params.get("page")) ?? 1,
    pageSize: oneOf(COMPUTER_PAGE_SIZES.map(String), params.get("pageSize"))
      ? Number(params.get("pageSize"))
      : DEFAULT_COMPUTER_PAGE_SIZE,
  };
  const search = params.get("search")?.trim().slice(0, 100);
  if (search) filters.search = search;
  const site = params.get("site")?.trim().toUpperCase();
  if (site && /^[A-Z0-9]{3}$/.test(site)) filters.site = site;
  const profile = oneOf(CONNECTION_PROFILES, params.get("profile"));
  if (profile) filters.profile = profile;
  const client = oneOf(CLIENT_TYPES, params.get("client"));
  if (client) filters.client = client;
  const laptop = oneOf(["true", "false"] as const, params.get("laptop"));
  if (laptop) filters.laptop = laptop;
  const infra = oneOf(["true", "false"] as const, params.get("infra"));
  if (infra) filters.infra = infra;
  const collection = params.get("collection")?.trim();
  if (collection && collection.length <= 16) filters.collection = collection;
  return filters;
}

/** The URL of a view; defaults are left out so links stay short. */
export function computerSearchFrom(filters: ComputerFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (filters.sort !== "name") params.set("sort", filters.sort);
  if (filters.order !== "asc") params.set("order", filters.order);
  if (filters.page !== 1) params.set("page", String(filters.page));
  if (filters.pageSize !== DEFAULT_COMPUTER_PAGE_SIZE) params.set("pageSize", String(filters.pageSize));
  return params;
}

/** The API's query string (GET /computers, ListComputersQuerySchema names). */
export function computerApiQuery(filters: ComputerFilters): Record<string, string | number | undefined> {
  return {
    page: filters.page,
    pageSize: filters.pageSize,
    sort: filters.sort,
    order: filters.order,
    search: filters.search,
    siteCode: filters.site,
    connectionProfile: filters.profile,
    clientType: filters.client,
    isLaptop: filters.laptop,
    isPatchInfrastructure: filters.infra,
    collectionId: filters.collection,
  };
}

export const hasComputerFilters = (f: ComputerFilters): boolean => FILTER_KEYS.some((k) => Boolean(f[k]));

/** Clicking a column: a new column sorts ascending, the same column flips the order; back to page 1. */
export function toggleSort(filters: ComputerFilters, sort: ComputerSort): ComputerFilters {
  const order: SortOrder = filters.sort === sort && filters.order === "asc" ? "desc" : "asc";
  return { ...filters, sort, order, page: 1 };
}

export const ariaSortOf = (
  filters: Pick<ComputerFilters, "sort" | "order">,
  column: ComputerSort,
): "ascending" | "descending" | "none" =>
  filters.sort === column ? (filters.order === "asc" ? "ascending" : "descending") : "none";
