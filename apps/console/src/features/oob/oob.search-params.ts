import { OOB_TASK_KINDS, type OobTaskKind } from "@firebreak/domain";

export interface OobBoardFilters {
  kind?: OobTaskKind;
  mine: boolean;
}

export function parseOobSearch(params: URLSearchParams): OobBoardFilters {
  const kind = params.get("kind");
  const filters: OobBoardFilters = { mine: params.get("mine") === "true" };
  if (kind && (OOB_TASK_KINDS as readonly string[]).includes(kind)) filters.kind = kind as OobTaskKind;
  return filters;
}

export function oobSearchFrom(filters: OobBoardFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.kind) params.set("kind", filters.kind);
  if (filters.mine) params.set("mine", "true");
  return params;
}
