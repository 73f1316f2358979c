import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "./styles.css";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { setLanguageGetter } from "./api/client";
import { asLanguage, i18next, initI18n, initialLanguage } from "./i18n/i18n";
import { applyDocumentLanguage } from "./i18n/use-ui-language";

const language = initialLanguage();
initI18n(language);
applyDocumentLanguage(language);
setLanguageGetter(() => asLanguage(i18next.language));
i18next.on("languageChanged", (lng) => applyDocumentLanguage(asLanguage(lng)));

const root = document.getElementById("root");
if (root) createRoot(root).render(<App initialDirection={language === "ar" ? "rtl" : "ltr"} />);
