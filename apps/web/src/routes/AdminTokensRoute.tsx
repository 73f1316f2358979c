import type { ApiToken } from "@khidma/contracts";
import { Button, Code, Group, Modal, Paper, Stack, Table, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconKey, IconPlus } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { peopleApi } from "../api/endpoints";
import { queryKeys } from "../api/query-keys";
import { EmptyState } from "../components/EmptyState";
import { Page } from "../components/Page";
import { RelativeTime } from "../components/RelativeTime";
import { CreateTokenModal } from "../features/admin/CreateTokenModal";
import { useUserMap } from "../features/people/use-people";
import { isolate } from "../i18n/format";

/** /admin/tokens — API tokens for integrations. */
export function AdminTokensRoute() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const users = useUserMap();
  const [createOpened, createModal] = useDisclosure(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const tokens = useQuery({
    queryKey: queryKeys.apiTokens,
    queryFn: async () => (await peopleApi.apiTokens()).items,
  });
  const revoke = useMutation({
    mutationFn: (id: number) => peopleApi.revokeApiToken(id),
    onSuccess: async () => {
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: queryKeys.apiTokens });
    },
  });
  const items = tokens.data ?? [];

  return (
    <Page
      title={t("admin.tokens.title")}
      description={t("admin.tokens.description")}
      actions={
        <Button leftSection={<IconPlus size={16} />} onClick={createModal.open} data-testid="token-open">
          {t("admin.tokens.create")}
        </Button>
      }
    >
      {tokens.data && items.length === 0 ? (
        <EmptyState icon={IconKey} title={t("admin.tokens.empty")} text={t("admin.tokens.emptyHint")} />
      ) : (
        <Paper withBorder radius="lg">
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("admin.tokens.name")}</Table.Th>
                  <Table.Th>{t("admin.tokens.prefix")}</Table.Th>
                  <Table.Th>{t("admin.tokens.owner")}</Table.Th>
                  <Table.Th>{t("admin.tokens.lastUsed")}</Table.Th>
                  <Table.Th>{t("admin.tokens.created")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((token) => (
                  <Table.Tr key={token.id} data-testid="token-row">
                    <Table.Td fw={600}>{token.name}</Table.Td>
                    <Table.Td>
                      <Code dir="ltr">{token.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>{users.get(token.userId)?.name ?? "—"}</Table.Td>
                    <Table.Td>
                      {token.lastUsedAt ? (
                        <RelativeTime iso={token.lastUsedAt} />
                      ) : (
                        <Text fz="xs" c="dimmed">
                          {t("admin.tokens.never")}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <RelativeTime iso={token.createdAt} />
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => setRevoking(token)}
                        data-testid="token-revoke"
                      >
                        {t("admin.tokens.revoke")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <CreateTokenModal opened={createOpened} onClose={createModal.close} />
      <Modal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={t("admin.tokens.revoke")}
        centered
      >
        <Stack>
          <Text fz="sm">{t("admin.tokens.revokeConfirm", { name: isolate(revoking?.name ?? "") })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              {t("common.cancel")}
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() => revoking && revoke.mutate(revoking.id)}
              data-testid="token-revoke-confirm"
            >
              {t("admin.tokens.revoke")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Page>
  );
}
