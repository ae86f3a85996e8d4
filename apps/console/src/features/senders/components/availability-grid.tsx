import { DAYS_PER_WEEK, dayLabels, HOURS_PER_DAY, hourUsageLabels, type HourUsage } from "@firebreak/domain";
import { Box, Button, Group, Radio, Stack, Text } from "@mantine/core";
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { cellName, formatHour, HOUR_USAGE_LEVELS, hourUsageStyle, isHourUsage } from "../hour-usage";
import classes from "./availability-grid.module.css";

export type Schedule = HourUsage[][];

interface Cell {
  day: number;
  hour: number;
}

interface Rect {
  d0: number;
  d1: number;
  h0: number;
  h1: number;
}

const rectOf = (a: Cell, b: Cell): Rect => ({
  d0: Math.min(a.day, b.day),
  d1: Math.max(a.day, b.day),
  h0: Math.min(a.hour, b.hour),
  h1: Math.max(a.hour, b.hour),
});
const inRect = (r: Rect | null, day: number, hour: number) =>
  r !== null && day >= r.d0 && day <= r.d1 && hour >= r.h0 && hour <= r.h1;
const clamp = (n: number, max: number) => Math.max(0, Math.min(max, n));

/** A copy of `schedule` with every cell of `rect` set to `level`. */
export function fillRect(schedule: Schedule, rect: Rect, level: HourUsage): Schedule {
  return schedule.map((row, day) => row.map((usage, hour) => (inRect(rect, day, hour) ? level : usage)));
}

interface AvailabilityGridProps {
  value: Schedule;
  onChange?: (next: Schedule) => void;
  /** Read-only grids still take focus and read out every cell. */
  readOnly?: boolean;
  /** The id of the text that labels the grid. */
  labelledBy: string;
}

/**
 * The address Schedule tab: 7 days × 24 local hours, each one of four availability levels.
 *
 * Keyboard: arrow keys move (Home/End to the first/last hour, Ctrl+Home/End to the corners),
 * Shift+arrows select a block, 1–4 set the focused cell or the selection to that level, Space or
 * Enter applies the chosen level, R fills the row, C the column, Escape clears the selection.
 * Mouse: click a cell to set it, drag across cells or Shift+click to fill a block, click a day or
 * hour heading to fill the row or column.
 */
export function AvailabilityGrid({ value, onChange, readOnly = false, labelledBy }: AvailabilityGridProps) {
  const [focus, setFocus] = useState<Cell>({ day: 1, hour: 0 });
  const [anchor, setAnchor] = useState<Cell | null>(null);
  const [selection, setSelection] = useState<Rect | null>(null);
  const [level, setLevel] = useState<HourUsage>(3);
  const [dragFrom, setDragFrom] = useState<Cell | null>(null);
  const [moved, setMoved] = useState(0);
  const cells = useRef(new Map<number, HTMLTableCellElement>());

  // Roving focus: after a keyboard move, the newly focused cell takes DOM focus.
  useEffect(() => {
    if (moved) cells.current.get(focus.day * HOURS_PER_DAY + focus.hour)?.focus();
  }, [focus, moved]);

  const apply = (rect: Rect, usage: HourUsage) => {
    if (readOnly || !onChange) return;
    onChange(fillRect(value, rect, usage));
  };
  const fillRow = (day: number, usage: HourUsage = level) =>
    apply({ d0: day, d1: day, h0: 0, h1: HOURS_PER_DAY - 1 }, usage);
  const fillColumn = (hour: number, usage: HourUsage = level) =>
    apply({ d0: 0, d1: DAYS_PER_WEEK - 1, h0: hour, h1: hour }, usage);
  const target = (): Rect => selection ?? rectOf(focus, focus);

  const moveTo = (next: Cell, extend: boolean) => {
    const cell = { day: clamp(next.day, DAYS_PER_WEEK - 1), hour: clamp(next.hour, HOURS_PER_DAY - 1) };
    if (extend) {
      const from = anchor ?? focus;
      setAnchor(from);
      setSelection(rectOf(from, cell));
    } else {
      setAnchor(cell);
      setSelection(null);
    }
    setFocus(cell);
    setMoved((n) => n + 1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    const { key, shiftKey, ctrlKey, metaKey } = event;
    const ctrl = ctrlKey || metaKey;
    let handled = true;
    if (key === "ArrowRight") moveTo({ ...focus, hour: focus.hour + 1 }, shiftKey);
    else if (key === "ArrowLeft") moveTo({ ...focus, hour: focus.hour - 1 }, shiftKey);
    else if (key === "ArrowDown") moveTo({ ...focus, day: focus.day + 1 }, shiftKey);
    else if (key === "ArrowUp") moveTo({ ...focus, day: focus.day - 1 }, shiftKey);
    else if (key === "Home") moveTo(ctrl ? { day: 0, hour: 0 } : { ...focus, hour: 0 }, shiftKey);
    else if (key === "End")
      moveTo(
        ctrl ? { day: DAYS_PER_WEEK - 1, hour: HOURS_PER_DAY - 1 } : { ...focus, hour: HOURS_PER_DAY - 1 },
        shiftKey,
      );
    else if (key === "Escape" && selection) setSelection(null);
    else if (readOnly) handled = false;
    else if (/^[1-4]$/.test(key)) {
      const usage = Number(key);
      if (isHourUsage(usage)) {
        setLevel(usage);
        apply(target(), usage);
      }
    } else if (key === " " || key === "Enter") apply(target(), level);
    else if (key === "r" || key === "R") fillRow(focus.day);
    else if (key === "c" || key === "C") fillColumn(focus.hour);
    else handled = false;
    if (handled) event.preventDefault();
  };

  const onPointerDown = (event: PointerEvent<HTMLTableCellElement>, cell: Cell) => {
    if (event.button !== 0) return;
    setFocus(cell);
    if (readOnly) return;
    event.preventDefault();
    cells.current.get(cell.day * HOURS_PER_DAY + cell.hour)?.focus();
    if (event.shiftKey && anchor) {
      const rect = rectOf(anchor, cell);
      setSelection(null);
      apply(rect, level);
      return;
    }
    setAnchor(cell);
    setDragFrom(cell);
    setSelection(rectOf(cell, cell));
  };

  // A drag ends wherever the pointer is released, even outside the grid.
  useEffect(() => {
    if (!dragFrom) return;
    const end = () => {
      setDragFrom(null);
      setSelection(null);
      if (selection && !readOnly) onChange?.(fillRect(value, selection, level));
    };
    window.addEventListener("pointerup", end);
    window.addEventListener("pointercancel", end);
    return () => {
      window.removeEventListener("pointerup", end);
      window.removeEventListener("pointercancel", end);
    };
  }, [dragFrom, selection, level, onChange, value, readOnly]);

  const gridSelection = selection;

  return (
    <Stack gap="sm">
      {readOnly ? (
        <Legend />
      ) : (
        <Radio.Group
          label="Availability to paint"
          description="Choose a level, then click or drag across hours. Keys 1–4 set the focused hour directly."
          value={String(level)}
          onChange={(v) => {
            const usage = Number(v);
            if (isHourUsage(usage)) setLevel(usage);
          }}
        >
          <Group gap="lg" mt={6}>
            {HOUR_USAGE_LEVELS.map((u) => (
              <Radio
                key={u}
                value={String(u)}
                label={
                  <Group gap={6} wrap="nowrap" component="span">
                    <span className={`${classes.swatch} ${classes[hourUsageStyle[u].className]}`} aria-hidden>
                      {hourUsageStyle[u].glyph}
                    </span>
                    <span>
                      {u} · {hourUsageLabels[u]}
                    </span>
                  </Group>
                }
              />
            ))}
          </Group>
        </Radio.Group>
      )}

      <div className={classes.wrap}>
        <table
          role="grid"
          aria-labelledby={labelledBy}
          aria-readonly={readOnly || undefined}
          aria-multiselectable={readOnly ? undefined : true}
          aria-describedby={`${labelledBy}-help`}
          className={classes.grid}
          onKeyDown={onKeyDown}
        >
          <thead>
            <tr>
              <td />
              {Array.from({ length: HOURS_PER_DAY }, (_, hour) => (
                <th
                  key={hour}
                  scope="col"
                  className={classes.colHead}
                  role="columnheader"
                  aria-label={formatHour(hour)}
                >
                  {readOnly ? (
                    String(hour).padStart(2, "0")
                  ) : (
                    <button
                      type="button"
                      tabIndex={-1}
                      className={classes.headButton}
                      title={`Fill ${formatHour(hour)} on every day`}
                      onClick={() => fillColumn(hour)}
                    >
                      {String(hour).padStart(2, "0")}
                    </button>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {value.map((row, day) => (
              <tr key={day}>
                <th scope="row" className={classes.rowHead} role="rowheader">
                  {readOnly ? (
                    dayLabels[day]
                  ) : (
                    <button
                      type="button"
                      tabIndex={-1}
                      className={classes.headButton}
                      title={`Fill every hour of ${dayLabels[day]}`}
                      onClick={() => fillRow(day)}
                    >
                      {dayLabels[day]}
                    </button>
                  )}
                </th>
                {row.map((usage, hour) => {
                  const isFocus = focus.day === day && focus.hour === hour;
                  return (
                    <td
                      key={hour}
                      ref={(el) => {
                        const key = day * HOURS_PER_DAY + hour;
                        if (el) cells.current.set(key, el);
                        else cells.current.delete(key);
                      }}
                      role="gridcell"
                      tabIndex={isFocus ? 0 : -1}
                      aria-label={cellName(day, hour, usage)}
                      aria-selected={readOnly ? undefined : inRect(gridSelection, day, hour)}
                      className={`${classes.cell} ${classes[hourUsageStyle[usage].className]}`}
                      data-usage={usage}
                      onPointerDown={(e) => onPointerDown(e, { day, hour })}
                      onPointerEnter={() => {
                        if (dragFrom) setSelection(rectOf(dragFrom, { day, hour }));
                      }}
                      onFocus={() => {
                        if (!isFocus) setFocus({ day, hour });
                      }}
                    >
                      <span aria-hidden>{hourUsageStyle[usage].glyph}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Text id={`${labelledBy}-help`} size="xs" c="dimmed">
        {readOnly
          ? "Hours are the sending site's local time. Arrow keys move between hours."
          : "Hours are the sending site's local time. Arrow keys move; Shift+arrows select a block; 1–4 set the level; Space applies the chosen level; R fills the day, C the hour on every day. Drag or Shift+click to fill a block; click a day or hour heading to fill it."}
      </Text>
      {readOnly ? null : (
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => fillRow(focus.day)}>
            Fill {dayLabels[focus.day]} with “{hourUsageLabels[level]}”
          </Button>
          <Button size="xs" variant="default" onClick={() => fillColumn(focus.hour)}>
            Fill {formatHour(focus.hour)} on every day
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => apply({ d0: 0, d1: DAYS_PER_WEEK - 1, h0: 0, h1: HOURS_PER_DAY - 1 }, level)}
          >
            Fill the whole week
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** The four levels with their colour, pattern and letter. */
export function Legend() {
  return (
    <Box component="ul" className={classes.legend} aria-label="Availability levels">
      {HOUR_USAGE_LEVELS.map((u) => (
        <li key={u}>
          <span className={`${classes.swatch} ${classes[hourUsageStyle[u].className]}`} aria-hidden>
            {hourUsageStyle[u].glyph}
          </span>
          {u} · {hourUsageLabels[u]}
        </li>
      ))}
    </Box>
  );
}

/** A tiny week at a glance for lists; its text alternative is the summary. */
export function SchedulePreview({ schedule, label }: { schedule: readonly (readonly HourUsage[])[]; label: string }) {
  return (
    <div className={classes.preview} role="img" aria-label={label}>
      {schedule.flatMap((row, day) =>
        row.map((usage, hour) => <span key={`${day}-${hour}`} className={classes[hourUsageStyle[usage].className]} />),
      )}
    </div>
  );
}
