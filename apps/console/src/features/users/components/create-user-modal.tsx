import { CreateUserBodySchema, type Role } from "@firebreak/domain";
import { Button, Group, Modal, PasswordInput, Stack, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { useCreateUser } from "../users.mutations";
import { RoleSelect } from "./role-select";

interface CreateUserModalProps {
  opened: boolean;
  onClose: () => void;
}

/** Errors the API reported for fields of this form (a taken username is a CONFLICT), or null. */
function inlineErrorsOf(error: unknown) {
  if (!isApiError(error)) return null;
  const errors = fieldErrorsFromDetails(error.details);
  if (error.code === "CONFLICT") errors.username = error.message;
  return Object.keys(errors).length > 0 ? errors : null;
}

const initialValues = { username: "", displayName: "", role: "ERT_MEMBER" as Role, password: "" };

export function CreateUserModal({ opened, onClose }: CreateUserModalProps) {
  const createUser = useCreateUser();
  const { attachForm, ...form } = useSchemaForm({ schema: CreateUserBodySchema, initialValues });

  const close = () => {
    form.reset();
    createUser.reset();
    onClose();
  };

  const submit = form.handleSubmit((body) => {
    createUser.mutate(body, {
      onSuccess: (user) => {
        notifications.show({
          color: "green",
          title: "User created",
          message: `${user.displayName} (${user.username}) can now sign in.`,
        });
        close();
      },
      onError: (error) => {
        const inline = inlineErrorsOf(error);
        if (inline) form.setServerErrors(inline);
      },
    });
  });

  const error = createUser.error;
  const shownInline = inlineErrorsOf(error) !== null;

  return (
    <Modal opened={opened} onClose={close} title="Create user" size="lg">
      <form ref={attachForm} onSubmit={submit} noValidate aria-label="Create user">
        <Stack gap="md">
          <TextInput
            label="Username"
            description="Used to sign in. Lowercase letters, digits, dot, dash or underscore."
            required
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            data-autofocus
            value={form.values.username}
            onChange={(e) => form.setField("username", e.currentTarget.value)}
            error={form.errors.username}
          />
          <TextInput
            label="Display name"
            required
            autoComplete="off"
            value={form.values.displayName}
            onChange={(e) => form.setField("displayName", e.currentTarget.value)}
            error={form.errors.displayName}
          />
          <RoleSelect
            value={form.values.role}
            onChange={(role) => form.setField("role", role)}
            error={form.errors.role}
          />
          <PasswordInput
            label="Initial password"
            description="At least 12 characters. Share it with the person through a safe channel."
            required
            autoComplete="new-password"
            value={form.values.password}
            onChange={(e) => form.setField("password", e.currentTarget.value)}
            error={form.errors.password}
          />
          {error && !shownInline ? <ErrorAlert error={error} title="The user was not created" /> : null}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={createUser.isPending}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
