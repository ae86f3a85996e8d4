import { AddTimelineNoteBodySchema } from "@firebreak/domain";
import { Button, Group, Textarea } from "@mantine/core";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { useAddNote } from "../emergencies.mutations";

/** A note on the war-room timeline: decisions, calls made, who is doing what. */
export function NoteForm({ emergencyId }: { emergencyId: string }) {
  const add = useAddNote(emergencyId);
  const { attachForm, ...form } = useSchemaForm({ schema: AddTimelineNoteBodySchema, initialValues: { text: "" } });
  return (
    <form
      ref={attachForm}
      noValidate
      aria-label="Add a note to the timeline"
      onSubmit={form.handleSubmit(({ text }) => add.mutate(text, { onSuccess: () => form.reset() }))}
    >
      <Textarea
        label="Add a note"
        placeholder="e.g. Called the Paris site: their DP is back up"
        autosize
        minRows={2}
        value={form.values.text}
        onChange={(e) => form.setField("text", e.currentTarget.value)}
        error={form.errors.text}
      />
      {add.error ? <ErrorAlert error={add.error} title="The note was not added" /> : null}
      <Group justify="flex-end" mt="xs">
        <Button type="submit" size="xs" loading={add.isPending}>
          Add note
        </Button>
      </Group>
    </form>
  );
}
