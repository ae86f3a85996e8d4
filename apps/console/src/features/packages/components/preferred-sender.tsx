import { preferredSenderLabels, type PreferredSender } from "@firebreak/domain";
import { Badge, Group, Text } from "@mantine/core";
import { IconTruckDelivery } from "@tabler/icons-react";

/** Courier Sender ships parcels on physical media: marked, because it changes how a site gets the package. */
export function PreferredSenderLabel({ sender }: { sender: PreferredSender }) {
  if (sender === "COURIER") {
    return (
      <Badge color="orange" variant="light" leftSection={<IconTruckDelivery size={14} aria-hidden />} radius="sm">
        Courier Sender (parcels)
      </Badge>
    );
  }
  return (
    <Group gap={4}>
      <Text size="sm">{preferredSenderLabels[sender]}</Text>
    </Group>
  );
}
