import { Button } from "@mantine/core";
import { IconLanguage } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { UI_LANGUAGES } from "../i18n/i18n";
import { useUiLanguage } from "../i18n/use-ui-language";
import { notifyError } from "./notify";

/**
 * Switches between Arabic and English. Signed in, the choice is saved to the
 * profile; on public pages it is only remembered on this device.
 */
export function LanguageSwitch({ save, compact = false }: { save: boolean; compact?: boolean }) {
  const { t } = useTranslation();
  const { language, setLanguage } = useUiLanguage();
  const [busy, setBusy] = useState(false);
  const other = language === "ar" ? "en" : "ar";

  return (
    <Button
      variant="subtle"
      color="gray"
      size="compact-sm"
      loading={busy}
      leftSection={compact ? null : <IconLanguage size={16} />}
      data-testid="language-switch"
      data-language={language}
      aria-label={t("language.switchTo", { language: UI_LANGUAGES[other].label })}
      lang={other}
      onClick={async () => {
        setBusy(true);
        try {
          await setLanguage(other, { save });
        } catch (error) {
          notifyError(error);
        } finally {
          setBusy(false);
        }
      }}
    >
      {compact ? UI_LANGUAGES[other].short : UI_LANGUAGES[other].label}
    </Button>
  );
}
