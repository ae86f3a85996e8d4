import { ListAuditQuerySchema, type AuditFacets } from "@firebreak/domain";
import { Button, Group, Paper, Select, SimpleGrid, TextInput } from "@mantine/core";
import { DateTimePicker } from "@mantine/dates";
import { IconFilter, IconX } from "@tabler/icons-react";
import dayjs from "dayjs";
import { useState, type FormEvent } from "react";
import { fieldErrorsFromZod, type FieldErrors } from "../../../lib/use-schema-form";
import { FILTER_FIELDS, hasActiveFilters, type AuditFilters, type FilterField } from "../audit.search-params";

type Draft = Record<FilterField, string>;

const PICKER_FORMAT = "YYYY-MM-DD HH:mm:ss";
const toPicker = (iso: string | undefined): string | null => (iso ? dayjs(iso).format(PICKER_FORMAT) : null);
const fromPicker = (value: string | null): string => (value ? dayjs(value).toISOString() : "");

const draftFrom = (filters: AuditFilters): Draft =>
  Object.fromEntries(FILTER_FIELDS.map((field) => [field, filters[field] ?? ""])) as Draft;

interface AuditFilterBarProps {
  filters: AuditFilters;
  facets: AuditFacets;
  /** New filters; the page goes back to 1. */
  onApply: (filters: Partial<Record<FilterField, string>>) => void;
}

/** Filters are edited here and applied together, which writes them into the URL. */
export function AuditFilterBar({ filters, facets, onApply }: AuditFilterBarProps) {
  const [draft, setDraft] = useState<Draft>(() => draftFrom(filters));
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (field: FilterField, value: string | null) => setDraft((prev) => ({ ...prev, [field]: value ?? "" }));

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const chosen = Object.fromEntries(
      FILTER_FIELDS.filter((f) => draft[f].trim() !== "").map((f) => [f, draft[f].trim()]),
    );
    // The API's own query schema decides what is valid (e.g. "from" not after "to").
    const result = ListAuditQuerySchema.safeParse(chosen);
    if (!result.success) {
      setErrors(fieldErrorsFromZod(result.error));
      return;
    }
    setErrors({});
    onApply(chosen);
  };

  const clear = () => {
    setDraft(draftFrom({ page: 1, pageSize: filters.pageSize }));
    setErrors({});
    onApply({});
  };

  const options = (values: string[], current: string) =>
    current && !values.includes(current) ? [current, ...values] : values;

  return (
    <Paper withBorder p="md" mb="md" component="section" aria-label="Audit filters">
      <form onSubmit={apply} noValidate aria-label="Filter audit entries">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          <Select
            label="Actor"
            placeholder="Anyone"
            data={options(facets.actors, draft.actor)}
            value={draft.actor || null}
            onChange={(v) => set("actor", v)}
            searchable
            clearable
            nothingFoundMessage="No such actor"
            error={errors.actor}
          />
          <Select
            label="Entity type"
            placeholder="Any type"
            data={options(facets.entityTypes, draft.entityType)}
            value={draft.entityType || null}
            onChange={(v) => set("entityType", v)}
            searchable
            clearable
            nothingFoundMessage="No such entity type"
            error={errors.entityType}
          />
          <Select
            label="Action"
            placeholder="Any action"
            data={options(facets.actions, draft.action)}
            value={draft.action || null}
            onChange={(v) => set("action", v)}
            searchable
            clearable
            nothingFoundMessage="No such action"
            error={errors.action}
          />
          <TextInput
            label="Entity id"
            placeholder="Exact id"
            value={draft.entityId}
            onChange={(e) => set("entityId", e.currentTarget.value)}
            error={errors.entityId}
            spellCheck={false}
          />
          <DateTimePicker
            label="From"
            placeholder="Earliest"
            value={toPicker(draft.from || undefined)}
            onChange={(v) => set("from", fromPicker(v))}
            clearable
            withSeconds
            valueFormat="YYYY-MM-DD HH:mm:ss"
            error={errors.from}
          />
          <DateTimePicker
            label="To"
            placeholder="Latest"
            value={toPicker(draft.to || undefined)}
            onChange={(v) => set("to", fromPicker(v))}
            clearable
            withSeconds
            valueFormat="YYYY-MM-DD HH:mm:ss"
            error={errors.to}
          />
        </SimpleGrid>
        <Group mt="md" gap="sm">
          <Button type="submit" leftSection={<IconFilter size={16} aria-hidden />}>
            Apply filters
          </Button>
          {hasActiveFilters(filters) ? (
            <Button variant="default" onClick={clear} leftSection={<IconX size={16} aria-hidden />}>
              Clear filters
            </Button>
          ) : null}
        </Group>
      </form>
    </Paper>
  );
}
