import { Alert, Group, Stack, Text } from "@mantine/core";
import { IconEye, IconPencil } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { UserAvatar } from "../components/UserAvatar";
import { useMe } from "../features/auth/session";
import { useUserMap } from "../features/people/use-people";
import { isolate } from "../i18n/format";
import type { Viewer } from "./LiveProvider";

/**
 * Who else has this conversation open, and who is typing in it, so two
 * agents do not answer the same customer at once.
 */
export function CollisionBanner({ viewers }: { viewers: Viewer[] }) {
  const { t } = useTranslation();
  const me = useMe();
  const users = useUserMap();
  const others = viewers.filter((v) => v.userId !== me.id);
  if (others.length === 0) return null;
  const typing = others.some((v) => v.typing);
  return (
    <Alert
      color={typing ? "orange" : "blue"}
      variant="light"
      radius={0}
      py={6}
      icon={typing ? <IconPencil size={18} /> : <IconEye size={18} />}
      role="status"
      aria-live="polite"
      data-testid="collision-banner"
      data-typing={typing}
    >
      <Stack gap={2}>
        {others.map((viewer) => {
          const name = users.get(viewer.userId)?.name ?? `#${viewer.userId}`;
          return (
            <Group key={viewer.userId} gap={6} wrap="nowrap">
              <UserAvatar name={name} size={18} />
              <Text size="sm" data-testid={viewer.typing ? "typing-indicator" : "viewer-line"}>
                {t(viewer.typing ? "live.typing" : "live.viewing", { name: isolate(name) })}
              </Text>
            </Group>
          );
        })}
      </Stack>
    </Alert>
  );
}

/** "Mona is typing…" while the customer types in the chat widget. */
export function CustomerTyping({ typing, name }: { typing: boolean; name: string }) {
  const { t } = useTranslation();
  if (!typing) return null;
  return (
    <Alert
      color="teal"
      variant="light"
      radius={0}
      py={6}
      icon={<IconPencil size={18} />}
      role="status"
      aria-live="polite"
      data-testid="customer-typing"
    >
      <Text size="sm">{t("live.customerTyping", { name: isolate(name) })}</Text>
    </Alert>
  );
}
