import type { Team } from "@khidma/contracts";
import {
  ActionIcon,
  Button,
  Group,
  Modal,
  MultiSelect,
  Paper,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconCheck, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { peopleApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { notifySuccess } from "../../components/notify";
import { isolate } from "../../i18n/format";
import { useUsers } from "../people/use-people";

/** One team: rename, choose members, delete. */
export function TeamCard({ team }: { team: Team }) {
  const { t } = useTranslation();
  const users = useUsers();
  const queryClient = useQueryClient();
  const [name, setName] = useState(team.name);
  const [confirmOpened, confirm] = useDisclosure(false);
  useEffect(() => setName(team.name), [team.name]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.teams });
  const update = useMutation({
    mutationFn: (body: { name?: string; memberIds?: number[] }) => peopleApi.updateTeam(team.id, body),
    onSuccess: async () => {
      notifySuccess(t("settings.saved"));
      await refresh();
    },
  });
  const remove = useMutation({ mutationFn: () => peopleApi.deleteTeam(team.id), onSuccess: refresh });

  return (
    <Paper withBorder radius="lg" p="md" data-testid="team-card">
      <Stack gap="sm">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (name.trim() && name.trim() !== team.name) update.mutate({ name: name.trim() });
          }}
        >
          <Group gap="xs" wrap="nowrap">
            <TextInput
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              aria-label={t("admin.teams.name")}
              style={{ flex: 1 }}
              fw={600}
              data-testid="team-name"
            />
            <Tooltip label={t("admin.teams.rename")}>
              <ActionIcon
                type="submit"
                size={36}
                variant="light"
                disabled={!name.trim() || name.trim() === team.name}
                aria-label={t("admin.teams.rename")}
              >
                <IconCheck size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t("admin.teams.delete")}>
              <ActionIcon
                size={36}
                variant="subtle"
                color="red"
                onClick={confirm.open}
                aria-label={t("admin.teams.delete")}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        </form>
        <MultiSelect
          label={t("admin.teams.members")}
          placeholder={team.memberIds.length ? undefined : t("admin.teams.noMembers")}
          data={(users.data ?? [])
            .filter((user) => !user.disabled || team.memberIds.includes(user.id))
            .map((user) => ({ value: String(user.id), label: user.name }))}
          value={team.memberIds.map(String)}
          onChange={(values) => update.mutate({ memberIds: values.map(Number) })}
          searchable
          data-testid="team-members"
        />
        <Text fz="xs" c="dimmed">
          {t("admin.teams.memberCount", { count: team.memberIds.length })}
        </Text>
      </Stack>
      <Modal opened={confirmOpened} onClose={confirm.close} title={t("admin.teams.delete")} centered>
        <Stack>
          <Text fz="sm">{t("admin.teams.deleteConfirm", { name: isolate(team.name) })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={confirm.close}>
              {t("common.cancel")}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate(undefined, { onSuccess: confirm.close })}
            >
              {t("admin.teams.delete")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
