import type { Language } from "@khidma/contracts";
import { Button, Group, SegmentedControl, Stack, Text, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { authApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { notifySuccess } from "../../components/notify";
import { UI_LANGUAGES } from "../../i18n/i18n";
import { useUiLanguage } from "../../i18n/use-ui-language";
import { useMe } from "../auth/session";
import { SettingsCard } from "./SettingsCard";

/** Name and interface language. */
export function ProfileSection() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const { language, setLanguage } = useUiLanguage();
  const [name, setName] = useState(me.name);
  useEffect(() => setName(me.name), [me.name]);

  const save = useMutation({
    mutationFn: () => authApi.updateMe({ name: name.trim() }),
    onSuccess: async () => {
      notifySuccess(t("settings.saved"));
      await queryClient.invalidateQueries({ queryKey: queryKeys.session });
      await queryClient.invalidateQueries({ queryKey: queryKeys.users });
    },
  });
  const changeLanguage = useMutation({ mutationFn: (next: Language) => setLanguage(next) });

  return (
    <SettingsCard
      title={t("settings.profile")}
      description={t("settings.profileHint")}
      testId="settings-profile"
    >
      <Stack>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (name.trim()) save.mutate();
          }}
        >
          <Group align="flex-end" gap="sm">
            <TextInput
              label={t("settings.name")}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              style={{ flex: "1 1 220px" }}
              data-testid="settings-name"
            />
            <Button type="submit" loading={save.isPending} disabled={!name.trim() || name.trim() === me.name}>
              {t("common.save")}
            </Button>
          </Group>
        </form>
        <TextInput label={t("login.email")} value={me.email} readOnly dir="ltr" />
        <div>
          <Text fz="sm" fw={500} mb={4}>
            {t("settings.language")}
          </Text>
          <SegmentedControl
            value={language}
            onChange={(value) => changeLanguage.mutate(value as Language)}
            disabled={changeLanguage.isPending}
            data={(Object.keys(UI_LANGUAGES) as Language[]).map((lang) => ({
              value: lang,
              label: UI_LANGUAGES[lang].label,
            }))}
            data-testid="settings-language"
          />
        </div>
      </Stack>
    </SettingsCard>
  );
}
