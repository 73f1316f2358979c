import { ColorSwatch, Indicator, Tooltip, useDirection } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { isolate } from "../i18n/format";
import { type Presence, usePresenceOf } from "./LiveProvider";

/** Colour of each presence. */
export const PRESENCE_COLOR: Record<Presence, string> = { online: "teal", away: "yellow", offline: "gray" };

/** Puts an agent's presence dot on an avatar. */
export function PresenceDot({
  userId,
  name,
  children,
}: {
  userId: number;
  name: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const presence = usePresenceOf(userId);
  // Indicator positions are physical: the dot sits at the avatar's end corner in either direction.
  const { dir } = useDirection();
  const label = t("live.presenceOf", { name: isolate(name), status: t(`live.status.${presence}`) });
  return (
    <Tooltip label={label}>
      <Indicator
        color={PRESENCE_COLOR[presence]}
        size={9}
        offset={3}
        position={dir === "rtl" ? "bottom-start" : "bottom-end"}
        withBorder
        processing={false}
        aria-label={label}
        data-testid="presence-dot"
        data-status={presence}
        data-user-id={userId}
      >
        {children}
      </Indicator>
    </Tooltip>
  );
}

/** A bare presence dot for an agent (in a select, next to a name). */
export function PresenceMark({ userId }: { userId: number }) {
  const { t } = useTranslation();
  const presence = usePresenceOf(userId);
  return (
    <ColorSwatch
      color={`var(--mantine-color-${PRESENCE_COLOR[presence]}-6)`}
      size={10}
      withShadow={false}
      aria-label={t(`live.status.${presence}`)}
      data-testid="presence-mark"
      data-status={presence}
    />
  );
}
