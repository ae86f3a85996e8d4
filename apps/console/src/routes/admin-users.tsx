import { Button } from "@mantine/core";
import { IconUserPlus } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Navigate, redirect, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { requirePermission } from "../features/session/session.guards";
import { useSignedInSession } from "../features/session/use-session";
import { CreateUserModal } from "../features/users/components/create-user-modal";
import { EditUserModal } from "../features/users/components/edit-user-modal";
import { UsersTable } from "../features/users/components/users-table";
import { userQueries } from "../features/users/users.queries";

export const adminIndexLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "manageUsers");
    throw redirect("/admin/users");
  };

/** /admin has only Users so far; its loader redirects, this only covers a render without it. */
export function AdminIndexRoute() {
  return <Navigate to="/admin/users" replace />;
}

export const adminUsersLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "manageUsers");
    await queryClient.ensureQueryData(userQueries.list());
    return null;
  };

export function AdminUsersRoute() {
  const session = useSignedInSession();
  const { data } = useSuspenseQuery(userQueries.list());
  const [creating, setCreating] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  const editing = data.items.find((user) => user.id === editingId) ?? null;

  return (
    <>
      <PageHeader
        title="Users"
        description="Accounts that can sign in to Firebreak, and their roles."
        actions={
          <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            Create user
          </Button>
        }
      />
      <UsersTable users={data.items} currentUserId={session.user.id} onEdit={(user) => setEditingId(user.id)} />
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} />
      <EditUserModal user={editing} currentUserId={session.user.id} onClose={() => setEditingId(null)} />
    </>
  );
}
