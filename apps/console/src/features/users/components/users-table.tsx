import { roleLabels, type User } from "@firebreak/domain";
import { Badge, Button, Table, Text, VisuallyHidden } from "@mantine/core";
import { IconPencil } from "@tabler/icons-react";

interface UsersTableProps {
  users: User[];
  currentUserId: string;
  onEdit: (user: User) => void;
}

export function UsersTable({ users, currentUserId, onEdit }: UsersTableProps) {
  if (users.length === 0) {
    return <Text>No user accounts yet. Create the first one with “Create user”.</Text>;
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="sm">
        <Table.Caption>{`${users.length} user account${users.length === 1 ? "" : "s"}`}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Username</Table.Th>
            <Table.Th scope="col">Display name</Table.Th>
            <Table.Th scope="col">Role</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Th scope="row" fw={500}>
                <Text ff="monospace" size="sm" span>
                  {user.username}
                </Text>
                {user.id === currentUserId ? (
                  <Badge ml="xs" size="xs" variant="outline" color="gray">
                    you
                  </Badge>
                ) : null}
              </Table.Th>
              <Table.Td>{user.displayName}</Table.Td>
              <Table.Td>{roleLabels[user.role]}</Table.Td>
              <Table.Td>
                {user.disabled ? (
                  <Badge color="red" variant="light">
                    Disabled
                  </Badge>
                ) : (
                  <Badge color="green" variant="light">
                    Active
                  </Badge>
                )}
              </Table.Td>
              <Table.Td ta="right">
                <Button
                  variant="subtle"
                  size="xs"
                  leftSection={<IconPencil size={14} aria-hidden />}
                  onClick={() => onEdit(user)}
                  aria-label={`Edit ${user.username}`}
                >
                  Edit
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
