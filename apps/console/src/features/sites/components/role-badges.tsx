import { siteSystemRoleLabels, type SiteSystemRole } from "@firebreak/domain";
import { Badge, Group } from "@mantine/core";
import { IconShieldCog } from "@tabler/icons-react";

export const roleAbbreviations: Record<SiteSystemRole, string> = {
  SITE_SERVER: "Site server",
  SQL: "SQL",
  COMPONENT: "Component",
  CAP: "CAP",
  DP: "DP",
  MP: "MP",
  SLP: "SLP",
  REPORTING: "Reporting",
  PROXY_MP: "Proxy MP",
};

/** One badge per role: the short SMS name, with the full name as an abbreviation. */
export function RoleBadges({ roles }: { roles: readonly SiteSystemRole[] }) {
  return (
    <Group gap={4} wrap="wrap" component="span">
      {roles.map((role) => (
        <Badge
          key={role}
          size="sm"
          variant="light"
          color={role === "DP" ? "indigo" : role === "MP" || role === "PROXY_MP" ? "teal" : "gray"}
          radius="sm"
        >
          <abbr title={siteSystemRoleLabels[role]} style={{ textDecoration: "none" }}>
            {roleAbbreviations[role]}
          </abbr>
        </Badge>
      ))}
    </Group>
  );
}

/** Servers with any SMS role are patched by hand in an emergency, not by the mass advertisement. */
export function PatchInfrastructureMarker({ compact = false }: { compact?: boolean }) {
  return (
    <Badge
      size="sm"
      variant="outline"
      color="#9a3a08"
      radius="sm"
      leftSection={<IconShieldCog size={12} aria-hidden />}
      title="Patch infrastructure: excluded from mass emergency advertisements and patched by a manual task"
    >
      {compact ? "Patch infra" : "Patch infrastructure"}
    </Badge>
  );
}
