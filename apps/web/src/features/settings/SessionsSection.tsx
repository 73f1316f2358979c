import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconLogout } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { authApi } from "../../api/endpoints";
import { useSetSession } from "../auth/session";
import { SettingsCard } from "./SettingsCard";

/** Ends every session of the user, on every device, including this one. */
export function SessionsSection() {
  const { t } = useTranslation();
  const [opened, modal] = useDisclosure(false);
  const setSession = useSetSession();
  const navigate = useNavigate();
  const logoutAll = useMutation({
    mutationFn: authApi.logoutAll,
    onSuccess: () => {
      setSession(null);
      navigate("/login", { replace: true });
    },
  });

  return (
    <SettingsCard
      title={t("settings.sessions")}
      description={t("settings.sessionsHint")}
      testId="settings-sessions"
    >
      <Button
        color="red"
        variant="light"
        leftSection={<IconLogout size={16} className="flip-rtl" />}
        onClick={modal.open}
        data-testid="logout-all"
      >
        {t("settings.logoutAll")}
      </Button>
      <Modal opened={opened} onClose={modal.close} title={t("settings.logoutAll")} centered>
        <Stack>
          <Text fz="sm">{t("settings.logoutAllConfirm")}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={modal.close}>
              {t("common.cancel")}
            </Button>
            <Button
              color="red"
              loading={logoutAll.isPending}
              onClick={() => logoutAll.mutate()}
              data-testid="logout-all-confirm"
            >
              {t("settings.logoutAll")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </SettingsCard>
  );
}
