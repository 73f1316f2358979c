import { ActionIcon, Badge, Group, Paper, Stack, Text, Tooltip } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { peopleApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { RelativeTime } from "../../components/RelativeTime";

/** Invitations not yet accepted, with a way to take them back. */
export function InvitationsList() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const invitations = useQuery({
    queryKey: queryKeys.invitations,
    queryFn: async () => (await peopleApi.invitations()).items.filter((item) => item.status === "pending"),
  });
  const revoke = useMutation({
    mutationFn: peopleApi.revokeInvitation,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.invitations }),
  });
  const items = invitations.data ?? [];
  if (items.length === 0) return null;

  return (
    <Stack gap="xs" mt="xl">
      <Text fw={700}>{t("admin.users.pending")}</Text>
      {items.map((invitation) => (
        <Paper key={invitation.id} withBorder radius="md" px="md" py="sm" data-testid="invitation-row">
          <Group justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="wrap" style={{ minWidth: 0 }}>
              <Text fz="sm" fw={500}>
                <bdi>{invitation.email}</bdi>
              </Text>
              <Badge variant="light" color="gray">
                {t(`roles.${invitation.role}`)}
              </Badge>
              {invitation.createdAt ? <RelativeTime iso={invitation.createdAt} /> : null}
            </Group>
            <Tooltip label={t("admin.users.revokeInvite")}>
              <ActionIcon
                variant="subtle"
                color="red"
                onClick={() => revoke.mutate(invitation.id)}
                aria-label={t("admin.users.revokeInvite")}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
