import { Badge, Tooltip } from "@mantine/core";
import { IconPlugConnectedX } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { useLive } from "./LiveProvider";

/** Shown in the header only while live updates are down (the app then polls). */
export function LiveStatus() {
  const { t } = useTranslation();
  const { state } = useLive();
  if (state === "open" || state === "connecting") return null;
  const label = state === "signed-out" ? t("live.signedOut") : t("live.reconnecting");
  return (
    <Tooltip label={label}>
      <Badge
        color="orange"
        variant="light"
        leftSection={<IconPlugConnectedX size={14} />}
        aria-label={label}
        data-testid="live-status"
        data-state={state}
      >
        …
      </Badge>
    </Tooltip>
  );
}
