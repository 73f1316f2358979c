import { Button, Group, Paper, SimpleGrid, TextInput } from "@mantine/core";
import { IconPlus, IconUsersGroup } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { peopleApi } from "../api/endpoints";
import { queryKeys } from "../api/query-keys";
import { EmptyState } from "../components/EmptyState";
import { notifySuccess } from "../components/notify";
import { Page } from "../components/Page";
import { TeamCard } from "../features/admin/TeamCard";
import { useTeams } from "../features/people/use-people";

/** /admin/teams — groups of agents that conversations can be routed to. */
export function AdminTeamsRoute() {
  const { t } = useTranslation();
  const teams = useTeams();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");

  const create = useMutation({
    mutationFn: () => peopleApi.createTeam({ name: name.trim() }),
    onSuccess: async () => {
      notifySuccess(t("admin.teams.created"));
      setName("");
      await queryClient.invalidateQueries({ queryKey: queryKeys.teams });
    },
  });

  return (
    <Page title={t("admin.teams.title")} description={t("admin.teams.description")}>
      <Paper withBorder radius="lg" p="md" mb="lg">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (name.trim()) create.mutate();
          }}
        >
          <Group gap="sm" align="flex-end">
            <TextInput
              label={t("admin.teams.newTeam")}
              placeholder={t("admin.teams.namePlaceholder")}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              style={{ flex: "1 1 240px" }}
              data-testid="team-create-name"
            />
            <Button
              type="submit"
              leftSection={<IconPlus size={16} />}
              loading={create.isPending}
              disabled={!name.trim()}
            >
              {t("admin.teams.create")}
            </Button>
          </Group>
        </form>
      </Paper>
      {teams.data && teams.data.length === 0 ? (
        <EmptyState icon={IconUsersGroup} title={t("admin.teams.empty")} text={t("admin.teams.emptyHint")} />
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          {(teams.data ?? []).map((team) => (
            <TeamCard key={team.id} team={team} />
          ))}
        </SimpleGrid>
      )}
    </Page>
  );
}
