import { clientTypeLabels, connectionProfileLabels, type ComputerRecord } from "@firebreak/domain";
import { Badge, Skeleton, Text, UnstyledButton } from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconArrowsSort } from "@tabler/icons-react";
import { useEffect, useRef, useState } from "react";
import { formatDateTime } from "../../../lib/format";
import { ariaSortOf, type ComputerFilters, type ComputerSort } from "../computers.search-params";
import classes from "./computer-table.module.css";

export const ROW_HEIGHT = 36;
export const VIEWPORT_HEIGHT = 576;
const OVERSCAN = 8;

interface Column {
  key: string;
  label: string;
  width: string;
  sort?: ComputerSort;
  render: (c: ComputerRecord) => React.ReactNode;
}

const columns: Column[] = [
  {
    key: "name",
    label: "Name",
    width: "13%",
    sort: "name",
    render: (c) => (
      <Text size="sm" fw={600} ff="monospace" truncate="end">
        {c.name}
      </Text>
    ),
  },
  {
    key: "resourceId",
    label: "Resource ID",
    width: "11%",
    sort: "resourceId",
    render: (c) => (
      <Text size="sm" ff="monospace">
        {c.resourceId}
      </Text>
    ),
  },
  { key: "siteCode", label: "Site", width: "7%", sort: "siteCode", render: (c) => c.siteCode },
  {
    key: "os",
    label: "Operating system",
    width: "19%",
    sort: "os",
    render: (c) => (
      <Text size="sm" truncate="end" title={`${c.os}${c.servicePack ? `, ${c.servicePack}` : ""}`}>
        {c.os}
        {c.servicePack ? `, ${c.servicePack}` : ""}
      </Text>
    ),
  },
  { key: "clientType", label: "Client", width: "12%", render: (c) => clientTypeLabels[c.clientType] },
  {
    key: "connectionProfile",
    label: "Connection",
    width: "12%",
    sort: "connectionProfile",
    render: (c) => connectionProfileLabels[c.connectionProfile],
  },
  {
    key: "kind",
    label: "Kind",
    width: "9%",
    render: (c) =>
      c.isPatchInfrastructure ? (
        <Badge size="sm" variant="outline" color="#9a3a08" radius="sm">
          Patch infra
        </Badge>
      ) : c.isLaptop ? (
        "Laptop"
      ) : (
        "Desktop"
      ),
  },
  {
    key: "lastSeenAt",
    label: "Last seen",
    width: "17%",
    sort: "lastSeenAt",
    render: (c) => (c.lastSeenAt ? <time dateTime={c.lastSeenAt}>{formatDateTime(c.lastSeenAt)}</time> : "Never"),
  },
];

interface ComputerTableProps {
  rows: ComputerRecord[] | null;
  filters: ComputerFilters;
  total: number;
  busy: boolean;
  onSort: (sort: ComputerSort) => void;
  caption: string;
}

/**
 * A page of up to 500 computers in a fixed-height window: only the rows in view (plus a few) are
 * in the DOM, spacer rows keep the scroll height, and aria-rowcount / aria-rowindex tell assistive
 * technology where each row sits in the whole result.
 */
export function ComputerTable({ rows, filters, total, busy, onSort, caption }: ComputerTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const offset = (filters.page - 1) * filters.pageSize;

  // A new page or order starts at its top (the scroll event then resets the window).
  useEffect(() => {
    scroller.current?.scrollTo?.({ top: 0 });
  }, [filters.page, filters.pageSize, filters.sort, filters.order]);

  const count = rows?.length ?? 0;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + VIEWPORT_HEIGHT) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows?.slice(first, last) ?? [];

  return (
    <div
      ref={scroller}
      className={classes.scroller}
      style={{ maxHeight: VIEWPORT_HEIGHT + ROW_HEIGHT + 4 }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      tabIndex={0}
      role="region"
      aria-label="Computers (scrolls)"
    >
      <table className={classes.table} aria-rowcount={total + 1} aria-busy={busy || undefined}>
        <caption className={classes.caption}>{caption}</caption>
        <colgroup>
          {columns.map((c) => (
            <col key={c.key} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                aria-sort={c.sort ? ariaSortOf(filters, c.sort) : undefined}
                className={classes.th}
              >
                {c.sort ? (
                  <UnstyledButton className={classes.sortButton} onClick={() => onSort(c.sort as ComputerSort)}>
                    <span>{c.label}</span>
                    {filters.sort === c.sort ? (
                      filters.order === "asc" ? (
                        <IconArrowUp size={14} aria-hidden />
                      ) : (
                        <IconArrowDown size={14} aria-hidden />
                      )
                    ) : (
                      <IconArrowsSort size={14} aria-hidden className={classes.sortIdle} />
                    )}
                  </UnstyledButton>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows === null ? (
            Array.from({ length: 10 }, (_, i) => (
              <tr key={i} style={{ height: ROW_HEIGHT }} aria-hidden>
                {columns.map((c) => (
                  <td key={c.key} className={classes.td}>
                    <Skeleton height={12} />
                  </td>
                ))}
              </tr>
            ))
          ) : (
            <>
              {first > 0 ? <tr aria-hidden style={{ height: first * ROW_HEIGHT }} className={classes.spacer} /> : null}
              {visible.map((c, i) => (
                <tr
                  key={c.resourceId}
                  aria-rowindex={offset + first + i + 2}
                  style={{ height: ROW_HEIGHT }}
                  className={classes.row}
                >
                  {columns.map((col) => (
                    <td key={col.key} className={classes.td}>
                      {col.render(c)}
                    </td>
                  ))}
                </tr>
              ))}
              {last < count ? (
                <tr aria-hidden style={{ height: (count - last) * ROW_HEIGHT }} className={classes.spacer} />
              ) : null}
            </>
          )}
        </tbody>
      </table>
    </div>
  );
}
