import { ActionIcon, Box, Burger, Group, TextInput } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { type RefObject, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import { NotificationBell } from "../features/notifications/NotificationBell";
import { LiveStatus } from "../realtime/LiveStatus";
import { PresenceSelector } from "../realtime/PresenceSelector";
import { LanguageSwitch } from "./LanguageSwitch";
import { Logo } from "./Logo";
import { UserMenu } from "./UserMenu";
import { useIsPhone } from "./use-is-phone";

interface AppHeaderProps {
  navOpened: boolean;
  onToggleNav: () => void;
  searchRef: RefObject<HTMLInputElement | null>;
}

/** Top bar: menu button on phones, logo, global search, notifications, language and the user. */
export function AppHeader({ navOpened, onToggleNav, searchRef }: AppHeaderProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const current = location.pathname === "/search" ? (params.get("q") ?? "") : "";
  const [query, setQuery] = useState(current);
  const phone = useIsPhone();

  useEffect(() => setQuery(current), [current]);

  return (
    <Group h="100%" px="md" gap="sm" wrap="nowrap" justify="space-between">
      <Group gap="sm" wrap="nowrap">
        <Burger
          opened={navOpened}
          onClick={onToggleNav}
          hiddenFrom="sm"
          size="sm"
          aria-label={t("nav.menu")}
          data-testid="nav-burger"
        />
        <Link to="/inbox/mine" style={{ textDecoration: "none", color: "inherit" }}>
          <Logo compact={phone} />
        </Link>
      </Group>

      <Box visibleFrom="sm" style={{ flex: 1, maxWidth: 520 }}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const q = query.trim();
            if (q) navigate(`/search?q=${encodeURIComponent(q)}`);
            searchRef.current?.blur();
          }}
        >
          <TextInput
            ref={searchRef}
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") e.currentTarget.blur();
            }}
            placeholder={t("search.placeholder")}
            aria-label={t("search.label")}
            leftSection={<IconSearch size={16} />}
            radius="xl"
            data-testid="search-input"
          />
        </form>
      </Box>

      <Group gap={6} wrap="nowrap">
        <ActionIcon
          component={Link}
          to="/search"
          variant="subtle"
          color="gray"
          size="lg"
          hiddenFrom="sm"
          aria-label={t("search.label")}
        >
          <IconSearch size={20} />
        </ActionIcon>
        <LiveStatus />
        <PresenceSelector compact={phone} />
        <NotificationBell />
        <LanguageSwitch save compact={phone} />
        <UserMenu />
      </Group>
    </Group>
  );
}
