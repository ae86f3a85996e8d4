import { Text } from "@mantine/core";

/** The request id of a failed call, small, so support can find the server log line. */
export function RequestId({ id }: { id?: string | undefined }) {
  if (!id) return null;
  return (
    <Text size="xs" c="dimmed" mt={4}>
      Request id:{" "}
      <Text span ff="monospace" size="xs">
        {id}
      </Text>
    </Text>
  );
}
