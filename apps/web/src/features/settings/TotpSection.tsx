import { Alert, Badge, Button, Group, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { IconShieldCheck } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { authApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { CopyField } from "../../components/CopyField";
import { notifySuccess } from "../../components/notify";
import { useMe } from "../auth/session";
import { SettingsCard } from "./SettingsCard";

/** Two-factor sign-in with an authenticator app (TOTP). */
export function TotpSection() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const [setup, setSetup] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.session });

  const start = useMutation({ mutationFn: authApi.totpSetup, onSuccess: setSetup });
  const enable = useMutation({
    mutationFn: () => authApi.totpEnable(code.trim()),
    onSuccess: async () => {
      notifySuccess(t("settings.totpEnabled"));
      setSetup(null);
      setCode("");
      await refresh();
    },
  });
  const disable = useMutation({
    mutationFn: () => authApi.totpDisable(password),
    onSuccess: async () => {
      notifySuccess(t("settings.totpDisabled"));
      setPassword("");
      await refresh();
    },
  });

  return (
    <SettingsCard title={t("settings.totp")} description={t("settings.totpHint")} testId="settings-totp">
      {me.totpEnabled ? (
        <Stack maw={420}>
          <Badge color="green" variant="light" size="lg" leftSection={<IconShieldCheck size={14} />}>
            {t("settings.totpOn")}
          </Badge>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (password) disable.mutate();
            }}
          >
            <Group align="flex-end" gap="sm">
              <PasswordInput
                label={t("settings.totpDisablePassword")}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                style={{ flex: "1 1 200px" }}
              />
              <Button
                type="submit"
                color="red"
                variant="light"
                loading={disable.isPending}
                disabled={!password}
              >
                {t("settings.totpDisable")}
              </Button>
            </Group>
          </form>
        </Stack>
      ) : setup ? (
        <Stack maw={560}>
          <Alert color="blue" variant="light">
            {t("settings.totpSteps")}
          </Alert>
          <CopyField label={t("settings.totpUrl")} value={setup.otpauthUrl} data-testid="totp-url" />
          <CopyField label={t("settings.totpSecret")} value={setup.secret} data-testid="totp-secret" />
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (code.trim()) enable.mutate();
            }}
          >
            <Group align="flex-end" gap="sm">
              <TextInput
                label={t("settings.totpCode")}
                value={code}
                onChange={(e) => setCode(e.currentTarget.value)}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={10}
                w={160}
                data-testid="totp-code"
              />
              <Button
                type="submit"
                loading={enable.isPending}
                disabled={!code.trim()}
                data-testid="totp-enable"
              >
                {t("settings.totpEnable")}
              </Button>
              <Button variant="subtle" color="gray" onClick={() => setSetup(null)}>
                {t("common.cancel")}
              </Button>
            </Group>
          </form>
        </Stack>
      ) : (
        <Stack gap="sm" align="flex-start">
          <Text fz="sm">{t("settings.totpOff")}</Text>
          <Button onClick={() => start.mutate()} loading={start.isPending} data-testid="totp-setup">
            {t("settings.totpSetup")}
          </Button>
        </Stack>
      )}
    </SettingsCard>
  );
}
