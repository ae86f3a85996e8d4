import { Button, EmptyState } from "@mantine/core";
import { IconBarrierBlock } from "@tabler/icons-react";
import { Link } from "react-router";
import type { NavItem } from "../../features/navigation/navigation";
import { PageHeader } from "./page-header";

/** The honest state of an area that does not exist yet: what it will hold, and no made-up data. */
export function BeingBuilt({ item }: { item: NavItem }) {
  return (
    <>
      <PageHeader title={item.label} />
      <EmptyState mt="xl" variant="light" icon={<IconBarrierBlock aria-hidden />}>
        <EmptyState.Title order={2}>This area is being built</EmptyState.Title>
        <EmptyState.Description>{`${item.label} will hold: ${item.description}`}</EmptyState.Description>
        <EmptyState.Actions>
          <Button component={Link} to="/" variant="default">
            Back to overview
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </>
  );
}
