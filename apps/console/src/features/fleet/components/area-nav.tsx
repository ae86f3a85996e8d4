import { Box, Group, UnstyledButton } from "@mantine/core";
import {
  IconAddressBook,
  IconBox,
  IconDeviceDesktop,
  IconSitemap,
  IconSpeakerphone,
  IconStack2,
} from "@tabler/icons-react";
import type { ReactNode } from "react";
import { Link, useLocation } from "react-router";
import classes from "./area-nav.module.css";

export const AREA_SECTIONS: readonly { to: string; label: string; icon: ReactNode }[] = [
  { to: "/sites", label: "Site hierarchy", icon: <IconSitemap size={16} aria-hidden /> },
  { to: "/sites/senders", label: "Sender addresses", icon: <IconAddressBook size={16} aria-hidden /> },
  { to: "/sites/packages", label: "Packages", icon: <IconBox size={16} aria-hidden /> },
  { to: "/sites/advertisements", label: "Advertisements", icon: <IconSpeakerphone size={16} aria-hidden /> },
  { to: "/sites/collections", label: "Collections", icon: <IconStack2 size={16} aria-hidden /> },
  { to: "/sites/computers", label: "Computers", icon: <IconDeviceDesktop size={16} aria-hidden /> },
];

/** Which section a path belongs to (`/sites/packages/X` → `/sites/packages`). */
export function sectionOf(pathname: string): string {
  const match = AREA_SECTIONS.filter((s) => s.to !== "/sites").find(
    (s) => pathname === s.to || pathname.startsWith(`${s.to}/`),
  );
  return match?.to ?? "/sites";
}

/** The sections of Sites & senders: plain links (each section is its own URL), styled as tabs. */
export function AreaNav() {
  const { pathname } = useLocation();
  const active = sectionOf(pathname);
  return (
    <Box component="nav" aria-label="Sites & senders sections" className={classes.nav} mb="lg">
      <Group gap={0} wrap="wrap" component="ul" className={classes.list}>
        {AREA_SECTIONS.map((s) => (
          <li key={s.to}>
            <UnstyledButton
              component={Link}
              to={s.to}
              className={classes.link}
              data-active={active === s.to || undefined}
              aria-current={active === s.to ? (pathname === s.to ? "page" : "location") : undefined}
            >
              {s.icon}
              <span>{s.label}</span>
            </UnstyledButton>
          </li>
        ))}
      </Group>
    </Box>
  );
}
