import { Button } from "@mantine/core";
import { IconMapQuestion } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { EmptyState } from "../components/EmptyState";
import { usePageTitle } from "../components/use-page-title";

/** Any unknown path inside the app. */
export function NotFoundRoute() {
  const { t } = useTranslation();
  usePageTitle(t("notFound.title"));
  return (
    <EmptyState
      icon={IconMapQuestion}
      title={t("notFound.title")}
      text={t("notFound.text")}
      action={
        <Button component={Link} to="/inbox/mine" variant="light">
          {t("common.backToInbox")}
        </Button>
      }
    />
  );
}
