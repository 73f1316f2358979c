import type { Language } from "@khidma/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { authApi } from "../api/endpoints";
import { queryKeys } from "../api/query-keys";
import { asLanguage, directionOf, i18next, rememberLanguage } from "./i18n";

/** Sets lang and dir on <html>; Mantine's DirectionProvider follows the attribute. */
export function applyDocumentLanguage(language: Language): void {
  const root = document.documentElement;
  root.setAttribute("lang", language);
  root.setAttribute("dir", directionOf(language));
}

/** Switches the UI language without saving it to the profile. */
export async function switchLanguage(language: Language): Promise<void> {
  rememberLanguage(language);
  applyDocumentLanguage(language);
  if (asLanguage(i18next.language) !== language) await i18next.changeLanguage(language);
}

/**
 * The current UI language and a setter that also saves the choice to the
 * signed-in user's profile (PATCH /auth/me), so it follows them to any device.
 */
export function useUiLanguage() {
  const { i18n } = useTranslation();
  const queryClient = useQueryClient();
  const language = asLanguage(i18n.language);

  const setLanguage = useCallback(
    async (next: Language, options: { save: boolean } = { save: true }) => {
      await switchLanguage(next);
      if (!options.save) return;
      await authApi.updateMe({ language: next });
      await queryClient.invalidateQueries({ queryKey: queryKeys.session });
    },
    [queryClient],
  );

  return { language, dir: directionOf(language), setLanguage };
}
