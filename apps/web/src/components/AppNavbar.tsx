import { CONVERSATION_STATUSES } from "@khidma/contracts";
import { Badge, Box, Divider, NavLink, ScrollArea, Stack, Text } from "@mantine/core";
import {
  type Icon,
  IconArrowsShuffle,
  IconHistory,
  IconInbox,
  IconKey,
  IconKeyboard,
  IconMail,
  IconMessageChatbot,
  IconSettings,
  IconStack2,
  IconUser,
  IconUsers,
  IconUsersGroup,
} from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { conversationsApi } from "../api/endpoints";
import { queryKeys } from "../api/query-keys";
import { isAdmin, useMe } from "../features/auth/session";
import { formatNumber } from "../i18n/format";
import { asLanguage } from "../i18n/i18n";
import { useFallbackInterval } from "../realtime/LiveProvider";
import { STATUS_META } from "./status-meta";

interface NavItem {
  to: string;
  label: string;
  icon: Icon;
  count?: number | undefined;
  testId: string;
}

/** The sidebar: inbox views and statuses with their counts, admin pages, settings. */
export function AppNavbar({ onShowShortcuts }: { onShowShortcuts: () => void }) {
  const { t, i18n } = useTranslation();
  const language = asLanguage(i18n.language);
  const me = useMe();
  const location = useLocation();
  const here = `${location.pathname}${location.search}`;
  const counts = useQuery({
    queryKey: queryKeys.counts,
    queryFn: conversationsApi.counts,
    refetchInterval: useFallbackInterval(30_000),
  });

  const cap = counts.data?.cap;
  const views: NavItem[] = [
    {
      to: "/inbox/mine",
      label: t("inbox.views.mine"),
      icon: IconUser,
      count: counts.data?.mine,
      testId: "nav-mine",
    },
    {
      to: "/inbox/unassigned",
      label: t("inbox.views.unassigned"),
      icon: IconInbox,
      count: counts.data?.unassigned,
      testId: "nav-unassigned",
    },
    {
      to: "/inbox/all",
      label: t("inbox.views.all"),
      icon: IconStack2,
      count: counts.data?.all,
      testId: "nav-all",
    },
  ];
  const statuses: NavItem[] = CONVERSATION_STATUSES.map((status) => ({
    to: `/inbox/all?status=${status}`,
    label: t(`status.${status}`),
    icon: STATUS_META[status].icon,
    count: counts.data?.byStatus[status],
    testId: `nav-status-${status}`,
  }));
  const admin: NavItem[] = [
    { to: "/admin/users", label: t("nav.users"), icon: IconUsers, testId: "nav-admin-users" },
    { to: "/admin/teams", label: t("nav.teams"), icon: IconUsersGroup, testId: "nav-admin-teams" },
    { to: "/admin/routing", label: t("nav.routing"), icon: IconArrowsShuffle, testId: "nav-admin-routing" },
    { to: "/admin/inboxes", label: t("nav.inboxes"), icon: IconMail, testId: "nav-admin-inboxes" },
    { to: "/admin/widgets", label: t("nav.widgets"), icon: IconMessageChatbot, testId: "nav-admin-widgets" },
    { to: "/admin/tokens", label: t("nav.apiTokens"), icon: IconKey, testId: "nav-admin-tokens" },
    { to: "/admin/audit", label: t("nav.audit"), icon: IconHistory, testId: "nav-admin-audit" },
  ];

  const renderItem = (item: NavItem) => (
    <NavLink
      key={item.to}
      component={Link}
      to={item.to}
      label={item.label}
      active={here === item.to}
      variant="light"
      leftSection={<item.icon size={18} stroke={1.7} />}
      rightSection={
        item.count !== undefined && item.count > 0 ? (
          <Badge size="sm" variant={here === item.to ? "filled" : "light"} color="gray" className="nav-count">
            {formatNumber(item.count, language)}
            {cap !== undefined && item.count >= cap ? "+" : ""}
          </Badge>
        ) : null
      }
      data-testid={item.testId}
      style={{ borderRadius: "var(--mantine-radius-md)" }}
    />
  );

  return (
    <Stack h="100%" gap={0}>
      <ScrollArea style={{ flex: 1 }} p="sm">
        <SectionTitle>{t("nav.inbox")}</SectionTitle>
        <Stack gap={2}>{views.map(renderItem)}</Stack>
        <SectionTitle>{t("nav.byStatus")}</SectionTitle>
        <Stack gap={2}>{statuses.map(renderItem)}</Stack>
        {isAdmin(me) ? (
          <>
            <SectionTitle>{t("nav.admin")}</SectionTitle>
            <Stack gap={2}>{admin.map(renderItem)}</Stack>
          </>
        ) : null}
      </ScrollArea>
      <Divider />
      <Box p="sm">
        {renderItem({
          to: "/settings",
          label: t("nav.settings"),
          icon: IconSettings,
          testId: "nav-settings",
        })}
        <NavLink
          component="button"
          label={t("shortcuts.title")}
          leftSection={<IconKeyboard size={18} stroke={1.7} />}
          onClick={onShowShortcuts}
          style={{ borderRadius: "var(--mantine-radius-md)" }}
        />
      </Box>
    </Stack>
  );
}

function SectionTitle({ children }: { children: string }) {
  return (
    <Text
      fz={11}
      fw={700}
      c="dimmed"
      tt="uppercase"
      px="sm"
      pt="md"
      pb={6}
      style={{ letterSpacing: "0.04em" }}
    >
      {children}
    </Text>
  );
}
