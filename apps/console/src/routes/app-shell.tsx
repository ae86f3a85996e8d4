import { roleLabels } from "@firebreak/domain";
import {
  Anchor,
  AppShell,
  Box,
  Burger,
  Button,
  Group,
  NavLink,
  Progress,
  Stack,
  Text,
  VisuallyHidden,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import {
  IconAlertTriangle,
  IconClipboardList,
  IconFlame,
  IconHistory,
  IconHome,
  IconListCheck,
  IconLogout,
  IconRocket,
  IconArrowBackUp,
  IconRun,
  IconSitemap,
  IconUsers,
} from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { useEffect, useRef, type ReactNode } from "react";
import { Link, Navigate, Outlet, useLocation, useNavigation, type LoaderFunctionArgs } from "react-router";
import { DrillBanner } from "../features/drills/components/drill-banner";
import { navItemsFor } from "../features/navigation/navigation";
import { requireSession, loginPathFor } from "../features/session/session.guards";
import { useLogout } from "../features/session/session.mutations";
import { sessionQueries } from "../features/session/session.queries";

export const appShellLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requireSession(queryClient, request);
    return null;
  };

const navIcons: Record<string, ReactNode> = {
  "/triage": <IconListCheck size={18} aria-hidden />,
  "/emergencies": <IconAlertTriangle size={18} aria-hidden />,
  "/tasks": <IconClipboardList size={18} aria-hidden />,
  "/deployments": <IconRocket size={18} aria-hidden />,
  "/rollbacks": <IconArrowBackUp size={18} aria-hidden />,
  "/sites": <IconSitemap size={18} aria-hidden />,
  "/drills": <IconRun size={18} aria-hidden />,
  "/audit": <IconHistory size={18} aria-hidden />,
  "/admin/users": <IconUsers size={18} aria-hidden />,
};

function isActive(pathname: string, to: string): boolean {
  if (to === "/") return pathname === "/";
  const section = to.startsWith("/admin") ? "/admin" : to;
  return pathname === section || pathname.startsWith(`${section}/`);
}

/** Moves focus to the main region after client-side navigation, so screen readers follow the page change. */
function useFocusMainOnNavigate() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById("main-content")?.focus({ preventScroll: false });
  }, [pathname]);
}

export function AppShellRoute() {
  const { data: session } = useSuspenseQuery(sessionQueries.current());
  const [navOpened, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  const location = useLocation();
  const navigation = useNavigation();
  const logout = useLogout();
  useFocusMainOnNavigate();

  useEffect(() => {
    closeNav();
  }, [location.pathname, closeNav]);

  if (!session) {
    // Signed out (logout, expiry or revocation): back to the sign-in page, returning here after.
    const to = logout.isIdle
      ? loginPathFor(new URL(location.pathname + location.search, window.location.origin))
      : "/login";
    return <Navigate to={to} replace />;
  }

  const items = navItemsFor(session.user.role);
  // Clearing the session re-renders this shell signed out, which redirects to /login (above).
  const signOut = () => logout.mutate();

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 250, breakpoint: "sm", collapsed: { mobile: !navOpened } }}
      padding="lg"
    >
      <a
        href="#main-content"
        className="skip-link"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById("main-content")?.focus();
        }}
      >
        Skip to main content
      </a>
      <AppShell.Header>
        {navigation.state === "loading" ? (
          <Progress
            value={100}
            animated
            size="xs"
            radius={0}
            pos="absolute"
            top={0}
            left={0}
            right={0}
            aria-label="Loading page"
          />
        ) : null}
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={toggleNav}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpened ? "Close navigation" : "Open navigation"}
              aria-expanded={navOpened}
              aria-controls="main-navigation"
            />
            <Anchor component={Link} to="/" underline="never" c="inherit" aria-label="Firebreak, go to the overview">
              <Group gap={6} wrap="nowrap">
                <IconFlame size={24} aria-hidden color="var(--mantine-color-orange-8)" />
                <Text fw={700} size="lg">
                  Firebreak
                </Text>
              </Group>
            </Anchor>
          </Group>
          <Group gap="md" wrap="nowrap">
            <Box ta="right" visibleFrom="xs">
              <Text size="sm" fw={600} lh={1.2}>
                <VisuallyHidden>Signed in as </VisuallyHidden>
                {session.user.displayName}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {roleLabels[session.user.role]}
              </Text>
            </Box>
            <Button
              variant="default"
              size="xs"
              leftSection={<IconLogout size={16} aria-hidden />}
              onClick={signOut}
              loading={logout.isPending}
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" id="main-navigation" aria-label="Main navigation">
        <Stack gap={2}>
          <NavLink
            component={Link}
            to="/"
            label="Overview"
            leftSection={<IconHome size={18} aria-hidden />}
            active={isActive(location.pathname, "/")}
            aria-current={isActive(location.pathname, "/") ? "page" : undefined}
          />
          {items.map((item) => {
            const active = isActive(location.pathname, item.to);
            return (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                leftSection={navIcons[item.to]}
                active={active}
                aria-current={active ? "page" : undefined}
              />
            );
          })}
        </Stack>
        {/* On phones the header has no room for who is signed in; say it here instead. */}
        <Box hiddenFrom="xs" mt="auto" pt="md">
          <Text size="sm" fw={600}>
            <VisuallyHidden>Signed in as </VisuallyHidden>
            {session.user.displayName}
          </Text>
          <Text size="xs" c="dimmed">
            {roleLabels[session.user.role]}
          </Text>
        </Box>
      </AppShell.Navbar>

      <AppShell.Main id="main-content" tabIndex={-1}>
        <DrillBanner />
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
