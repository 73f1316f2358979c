import { Badge, ColorSwatch, Group, Menu, UnstyledButton } from "@mantine/core";
import { IconCheck } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { useMe } from "../features/auth/session";
import { useLive, usePresenceOf } from "./LiveProvider";
import { PRESENCE_COLOR } from "./PresenceDot";

/** The agent's own presence in the header: a dot and a menu to switch between online and away. */
export function PresenceSelector({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const me = useMe();
  const { socket, state } = useLive();
  const presence = usePresenceOf(me.id);
  const shown = state === "open" ? presence : "offline";
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton
          aria-label={`${t("live.status.label")}: ${t(`live.status.${shown}`)}`}
          data-testid="presence-select"
          data-status={shown}
        >
          {compact ? (
            <ColorSwatch color={`var(--mantine-color-${PRESENCE_COLOR[shown]}-6)`} size={14} m={6} />
          ) : (
            <Badge
              variant="dot"
              color={PRESENCE_COLOR[shown]}
              size="lg"
              radius="xl"
              style={{ cursor: "pointer", textTransform: "none" }}
            >
              {t(`live.status.${shown}`)}
            </Badge>
          )}
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t("live.status.label")}</Menu.Label>
        {(["online", "away"] as const).map((status) => (
          <Menu.Item
            key={status}
            disabled={state !== "open"}
            onClick={() => socket?.send({ type: "presence", status })}
            leftSection={<Badge variant="dot" color={PRESENCE_COLOR[status]} size="xs" p={0} bd={0} />}
            rightSection={presence === status ? <IconCheck size={14} /> : null}
            data-testid={`presence-option-${status}`}
          >
            <Group gap={4}>{t(`live.status.${status}`)}</Group>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
