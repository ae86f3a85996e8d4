import { Table } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * A table that scrolls sideways (and down, with `maxHeight`) when its box is too small. The
 * scrolling viewport takes keyboard focus and has a name, so keyboard users can scroll it too.
 */
export function ScrollTable({
  minWidth,
  maxHeight,
  label,
  children,
}: {
  minWidth: number;
  maxHeight?: number;
  /** Name of the scrolling area, e.g. the table's name. */
  label: string;
  children: ReactNode;
}) {
  return (
    <Table.ScrollContainer
      minWidth={minWidth}
      {...(maxHeight ? { maxHeight } : {})}
      scrollAreaProps={{ viewportProps: { tabIndex: 0, role: "group", "aria-label": label } }}
    >
      {children}
    </Table.ScrollContainer>
  );
}
