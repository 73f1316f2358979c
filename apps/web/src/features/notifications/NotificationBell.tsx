import type { Notification } from "@khidma/contracts";
import {
  ActionIcon,
  Box,
  Button,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
  ThemeIcon,
  UnstyledButton,
} from "@mantine/core";
import { IconAt, IconBell, IconUserShare } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { miscApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { RelativeTime } from "../../components/RelativeTime";
import { isolate } from "../../i18n/format";
import { useFallbackInterval } from "../../realtime/LiveProvider";

/** The bell in the header: mentions and assignments, newest first. */
export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const list = useQuery({
    queryKey: queryKeys.notifications,
    queryFn: miscApi.notifications,
    refetchInterval: useFallbackInterval(30_000),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
  const readOne = useMutation({ mutationFn: miscApi.readNotification, onSuccess: refresh });
  const readAll = useMutation({ mutationFn: miscApi.readAllNotifications, onSuccess: refresh });

  const items = list.data?.items ?? [];
  const unread = items.filter((item) => !item.readAt).length;

  const open = (item: Notification) => {
    if (!item.readAt) readOne.mutate(item.id);
    setOpened(false);
    navigate(`/conversations/${item.conversationId}`);
  };

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={340} shadow="lg">
      <Popover.Target>
        <Indicator
          disabled={unread === 0}
          label={unread > 9 ? "9+" : unread}
          size={16}
          offset={6}
          color="red"
        >
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            onClick={() => setOpened((o) => !o)}
            aria-label={t("notifications.title")}
            data-testid="notifications-bell"
          >
            <IconBell size={20} />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <Group
          justify="space-between"
          px="md"
          py="sm"
          style={{ borderBottom: "1px solid var(--mantine-color-gray-2)" }}
        >
          <Text fw={600}>{t("notifications.title")}</Text>
          <Button
            size="compact-xs"
            variant="subtle"
            disabled={unread === 0}
            loading={readAll.isPending}
            onClick={() => readAll.mutate()}
          >
            {t("notifications.readAll")}
          </Button>
        </Group>
        <ScrollArea.Autosize mah={380}>
          {items.length === 0 ? (
            <Text c="dimmed" fz="sm" ta="center" py="xl">
              {t("notifications.empty")}
            </Text>
          ) : (
            <Stack gap={0}>
              {items.map((item) => (
                <UnstyledButton
                  key={item.id}
                  onClick={() => open(item)}
                  px="md"
                  py="sm"
                  data-testid="notification-item"
                  style={{
                    borderBottom: "1px solid var(--mantine-color-gray-1)",
                    background: item.readAt ? undefined : "var(--mantine-color-brand-0)",
                  }}
                >
                  <Group gap="sm" wrap="nowrap" align="flex-start">
                    <ThemeIcon variant="light" radius="xl" color={item.kind === "mention" ? "blue" : "brand"}>
                      {item.kind === "mention" ? <IconAt size={16} /> : <IconUserShare size={16} />}
                    </ThemeIcon>
                    <Box style={{ flex: 1 }}>
                      <Text fz="sm" fw={item.readAt ? 400 : 600}>
                        {t(`notifications.kind.${item.kind}`, {
                          actor: isolate(item.actorName ?? t("common.someone")),
                          number: item.conversationNumber,
                        })}
                      </Text>
                      <RelativeTime iso={item.createdAt} />
                    </Box>
                  </Group>
                </UnstyledButton>
              ))}
            </Stack>
          )}
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
