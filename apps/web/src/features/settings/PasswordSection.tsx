import { Button, PasswordInput, Stack } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { authApi } from "../../api/endpoints";
import { notifySuccess } from "../../components/notify";
import { MIN_PASSWORD_LENGTH } from "../auth/password-rules";
import { SettingsCard } from "./SettingsCard";

/** Changing the password needs the current one. */
export function PasswordSection() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const tooShort = next.length > 0 && next.length < MIN_PASSWORD_LENGTH;
  const mismatch = confirm.length > 0 && confirm !== next;

  const change = useMutation({
    mutationFn: () => authApi.updateMe({ currentPassword: current, newPassword: next }),
    onSuccess: () => {
      notifySuccess(t("settings.passwordChanged"));
      setCurrent("");
      setNext("");
      setConfirm("");
    },
  });

  return (
    <SettingsCard title={t("settings.password")} testId="settings-password">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!tooShort && !mismatch && current && next) change.mutate();
        }}
      >
        <Stack maw={420}>
          <PasswordInput
            label={t("settings.currentPassword")}
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            autoComplete="current-password"
            data-testid="settings-current-password"
          />
          <PasswordInput
            label={t("settings.newPassword")}
            description={t("settings.passwordRule", { count: MIN_PASSWORD_LENGTH })}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={tooShort ? t("settings.passwordTooShort", { count: MIN_PASSWORD_LENGTH }) : null}
            autoComplete="new-password"
            data-testid="settings-new-password"
          />
          <PasswordInput
            label={t("settings.confirmPassword")}
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={mismatch ? t("settings.passwordMismatch") : null}
            autoComplete="new-password"
          />
          <Button
            type="submit"
            w="fit-content"
            loading={change.isPending}
            disabled={!current || !next || confirm !== next || tooShort}
          >
            {t("settings.changePassword")}
          </Button>
        </Stack>
      </form>
    </SettingsCard>
  );
}
