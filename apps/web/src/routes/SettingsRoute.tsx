import { Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Page } from "../components/Page";
import { PasswordSection } from "../features/settings/PasswordSection";
import { ProfileSection } from "../features/settings/ProfileSection";
import { SessionsSection } from "../features/settings/SessionsSection";
import { TotpSection } from "../features/settings/TotpSection";

/** /settings — the user's own profile and security. */
export function SettingsRoute() {
  const { t } = useTranslation();
  return (
    <Page title={t("settings.title")} description={t("settings.description")} maxWidth={760}>
      <Stack gap="lg">
        <ProfileSection />
        <PasswordSection />
        <TotpSection />
        <SessionsSection />
      </Stack>
    </Page>
  );
}
