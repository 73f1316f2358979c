import { ROLES, type Role, type UserSummary } from "@khidma/contracts";
import { Badge, Button, Group, Paper, Select, Table, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconUserPlus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { peopleApi } from "../api/endpoints";
import { queryKeys } from "../api/query-keys";
import { notifySuccess } from "../components/notify";
import { Page } from "../components/Page";
import { UserAvatar } from "../components/UserAvatar";
import { InvitationsList } from "../features/admin/InvitationsList";
import { InviteModal } from "../features/admin/InviteModal";
import { useMe } from "../features/auth/session";
import { useUsers } from "../features/people/use-people";

/** /admin/users — people, roles, access, and invitations. */
export function AdminUsersRoute() {
  const { t } = useTranslation();
  const me = useMe();
  const users = useUsers();
  const queryClient = useQueryClient();
  const [inviteOpened, invite] = useDisclosure(false);

  const update = useMutation({
    mutationFn: ({ id, ...body }: { id: number; role?: Role; disabled?: boolean }) =>
      peopleApi.updateUser(id, body),
    onSuccess: async () => {
      notifySuccess(t("settings.saved"));
      await queryClient.invalidateQueries({ queryKey: queryKeys.users });
    },
  });

  const canEdit = (user: UserSummary) => user.id !== me.id && (user.role !== "owner" || me.role === "owner");
  const roles = ROLES.filter((r) => r !== "owner" || me.role === "owner");

  return (
    <Page
      title={t("admin.users.title")}
      description={t("admin.users.description")}
      actions={
        <Button leftSection={<IconUserPlus size={16} />} onClick={invite.open} data-testid="invite-open">
          {t("admin.users.invite")}
        </Button>
      }
    >
      <Paper withBorder radius="lg">
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("admin.users.person")}</Table.Th>
                <Table.Th w={180}>{t("admin.users.role")}</Table.Th>
                <Table.Th w={120}>{t("admin.users.state")}</Table.Th>
                <Table.Th w={130} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(users.data ?? []).map((user: UserSummary) => (
                <Table.Tr key={user.id} data-testid="user-row" data-user-id={user.id}>
                  <Table.Td>
                    <Group gap="sm" wrap="nowrap">
                      <UserAvatar name={user.name} size={34} />
                      <div style={{ minWidth: 0 }}>
                        <Text fz="sm" fw={600} truncate>
                          {user.name}
                          {user.id === me.id ? (
                            <Text span c="dimmed" fz="xs">
                              {" "}
                              ({t("admin.users.you")})
                            </Text>
                          ) : null}
                        </Text>
                        <Text fz="xs" c="dimmed" truncate>
                          <bdi>{user.email}</bdi>
                        </Text>
                      </div>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      size="xs"
                      data={(canEdit(user) ? roles : ROLES).map((r) => ({
                        value: r,
                        label: t(`roles.${r}`),
                      }))}
                      value={user.role}
                      allowDeselect={false}
                      disabled={!canEdit(user)}
                      onChange={(value) =>
                        value && value !== user.role && update.mutate({ id: user.id, role: value as Role })
                      }
                      aria-label={t("admin.users.role")}
                      data-testid="user-role-select"
                    />
                  </Table.Td>
                  <Table.Td>
                    <Badge color={user.disabled ? "gray" : "green"} variant="light">
                      {user.disabled ? t("admin.users.disabled") : t("admin.users.active")}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {canEdit(user) ? (
                      <Button
                        size="xs"
                        variant="subtle"
                        color={user.disabled ? "brand" : "red"}
                        onClick={() => update.mutate({ id: user.id, disabled: !user.disabled })}
                        data-testid="user-toggle-disabled"
                      >
                        {user.disabled ? t("admin.users.enable") : t("admin.users.disable")}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <InvitationsList />
      <InviteModal opened={inviteOpened} onClose={invite.close} />
    </Page>
  );
}
