import { Group, NumberInput, Paper, Stack, Switch, Table, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { notifySuccess } from "../components/notify";
import { Page } from "../components/Page";
import { UserAvatar } from "../components/UserAvatar";
import { useFallbackInterval } from "../realtime/LiveProvider";
import { PresenceDot } from "../realtime/PresenceDot";
import { type AgentRouting, routingApi, routingKeys } from "../realtime/routing-api";

function CapacityInput({ agent, onSave }: { agent: AgentRouting; onSave: (value: number | null) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState<string | number>(agent.capacity ?? "");
  const commit = () => {
    const next = value === "" ? null : Number(value);
    if (next !== agent.capacity) onSave(next);
  };
  return (
    <NumberInput
      size="xs"
      w={110}
      min={0}
      max={1000}
      allowDecimal={false}
      allowNegative={false}
      value={value}
      onChange={setValue}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
      }}
      placeholder={t("routing.defaultShort", { value: agent.effectiveCapacity })}
      aria-label={t("routing.capacityOf", { name: agent.name })}
      data-testid="routing-capacity"
    />
  );
}

/** /admin/routing — automatic assignment: on or off, default capacity, each agent's capacity and load. */
export function AdminRoutingRoute() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const poll = useFallbackInterval(30_000);
  const settings = useQuery({ queryKey: routingKeys.settings, queryFn: routingApi.settings });
  const agents = useQuery({
    queryKey: routingKeys.agents,
    queryFn: routingApi.agents,
    refetchInterval: poll,
  });
  const saved = async () => {
    notifySuccess(t("settings.saved"));
    await queryClient.invalidateQueries({ queryKey: ["routing"] });
  };
  const update = useMutation({ mutationFn: routingApi.updateSettings, onSuccess: saved });
  const capacity = useMutation({
    mutationFn: ({ userId, value }: { userId: number; value: number | null }) =>
      routingApi.setCapacity(userId, value),
    onSuccess: saved,
  });

  return (
    <Page title={t("routing.title")} description={t("routing.description")}>
      <Stack gap="lg">
        <Paper withBorder radius="lg" p="lg">
          <Group justify="space-between" align="flex-start" gap="lg">
            <Switch
              size="md"
              checked={settings.data?.autoAssign ?? false}
              disabled={!settings.data || update.isPending}
              onChange={(e) => update.mutate({ autoAssign: e.currentTarget.checked })}
              label={t("routing.autoAssign")}
              description={t("routing.autoAssignHint")}
              data-testid="routing-auto-assign"
            />
            {settings.data ? (
              <NumberInput
                key={settings.data.defaultCapacity}
                w={200}
                min={0}
                max={1000}
                allowDecimal={false}
                allowNegative={false}
                label={t("routing.defaultCapacity")}
                defaultValue={settings.data.defaultCapacity}
                onBlur={(e) => {
                  const next = Number(e.currentTarget.value);
                  if (Number.isInteger(next) && next !== settings.data?.defaultCapacity) {
                    update.mutate({ defaultCapacity: next });
                  }
                }}
                data-testid="routing-default-capacity"
              />
            ) : null}
          </Group>
        </Paper>
        <Paper withBorder radius="lg">
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("routing.agent")}</Table.Th>
                  <Table.Th w={140}>{t("routing.open")}</Table.Th>
                  <Table.Th w={160}>{t("routing.capacity")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(agents.data?.items ?? []).map((agent) => (
                  <Table.Tr key={agent.userId} data-testid="routing-row" data-user-id={agent.userId}>
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap">
                        <PresenceDot userId={agent.userId} name={agent.name}>
                          <UserAvatar name={agent.name} size={30} />
                        </PresenceDot>
                        <Text fw={500} dir="auto">
                          {agent.name}
                        </Text>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={agent.open >= agent.effectiveCapacity ? "red" : undefined}>
                        {t("routing.load", { open: agent.open, capacity: agent.effectiveCapacity })}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <CapacityInput
                        key={`${agent.userId}:${agent.capacity}`}
                        agent={agent}
                        onSave={(value) => capacity.mutate({ userId: agent.userId, value })}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      </Stack>
    </Page>
  );
}
