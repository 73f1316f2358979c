import { Menu, Text, UnstyledButton } from "@mantine/core";
import { IconLogout, IconSettings } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { ApiRequestError } from "../api/client";
import { authApi } from "../api/endpoints";
import { useMe, useSetSession } from "../features/auth/session";
import { UserAvatar } from "./UserAvatar";

/** The signed-in user's menu: settings and sign out. */
export function UserMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const setSession = useSetSession();
  const navigate = useNavigate();
  const signedOut = () => {
    setSession(null);
    navigate("/login", { replace: true });
  };
  const logout = useMutation({
    mutationFn: authApi.logout,
    onSuccess: signedOut,
    // Already signed out elsewhere is fine; any other failure keeps the session and is shown.
    onError: (error) => {
      if (error instanceof ApiRequestError && error.status === 401) signedOut();
    },
  });

  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label={t("nav.account")} data-testid="user-menu">
          <UserAvatar name={me.name} size={34} />
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text fz="sm" fw={600} c="dark" truncate>
            {me.name}
          </Text>
          <Text fz="xs" c="dimmed" truncate>
            {me.email} · {t(`roles.${me.role}`)}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/settings" leftSection={<IconSettings size={16} />}>
          {t("nav.settings")}
        </Menu.Item>
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={16} className="flip-rtl" />}
          onClick={() => logout.mutate()}
          data-testid="sign-out"
        >
          {t("nav.signOut")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
