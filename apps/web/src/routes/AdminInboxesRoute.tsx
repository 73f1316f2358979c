import type { Inbox } from "@khidma/contracts";
import { Badge, Button, Group, Modal, Paper, Table, Text } from "@mantine/core";
import { IconMail, IconPencil, IconPlus } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { EmptyState } from "../components/EmptyState";
import { notifySuccess } from "../components/notify";
import { Page } from "../components/Page";
import { emailApi, emailKeys, inboxList } from "../features/email/email-api";
import { InboxModal } from "../features/email/InboxModal";

/** /admin/inboxes — the account's support addresses and their mail servers. */
export function AdminInboxesRoute() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  // null: closed; "new": creating; an inbox: editing it.
  const [editing, setEditing] = useState<Inbox | "new" | null>(null);
  const [disabling, setDisabling] = useState<Inbox | null>(null);
  const inboxes = useQuery({
    queryKey: emailKeys.inboxes,
    queryFn: async () => inboxList(await emailApi.inboxes()),
  });
  const disable = useMutation({
    mutationFn: (id: number) => emailApi.disableInbox(id),
    onSuccess: async () => {
      setDisabling(null);
      notifySuccess(t("email.admin.disabled"));
      await queryClient.invalidateQueries({ queryKey: emailKeys.inboxes });
    },
  });
  const items = inboxes.data ?? [];

  return (
    <Page
      title={t("email.admin.title")}
      description={t("email.admin.description")}
      actions={
        <Button
          leftSection={<IconPlus size={16} />}
          onClick={() => setEditing("new")}
          data-testid="inbox-create"
        >
          {t("email.admin.create")}
        </Button>
      }
    >
      {inboxes.isSuccess && items.length === 0 ? (
        <EmptyState icon={IconMail} title={t("email.admin.empty")} text={t("email.admin.emptyHint")} />
      ) : (
        <Paper withBorder radius="lg" style={{ overflowX: "auto" }}>
          <Table verticalSpacing="sm" horizontalSpacing="md" miw={640}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("email.admin.name")}</Table.Th>
                <Table.Th>{t("email.admin.address")}</Table.Th>
                <Table.Th>{t("email.admin.servers")}</Table.Th>
                <Table.Th>{t("email.admin.autoAckShort")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((inbox) => (
                <Table.Tr key={inbox.id} data-testid="inbox-row" data-inbox-id={inbox.id}>
                  <Table.Td>
                    <Text fw={600} fz="sm" dir="auto">
                      {inbox.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" dir="ltr" style={{ unicodeBidi: "isolate" }}>
                      {inbox.address}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge size="sm" variant="light" color={inbox.smtp ? "green" : "gray"}>
                        {inbox.smtp ? t("email.admin.smtpOn") : t("email.admin.smtpOff")}
                      </Badge>
                      <Badge size="sm" variant="light" color={inbox.imap ? "green" : "gray"}>
                        {inbox.imap ? t("email.admin.imapOn") : t("email.admin.imapOff")}
                      </Badge>
                    </Group>
                    {inbox.imapStatus?.lastError ? (
                      <Text fz="xs" c="red.7" dir="auto" mt={4}>
                        {inbox.imapStatus.lastError}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{inbox.autoAck ? t("email.admin.yes") : t("email.admin.no")}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="default"
                        leftSection={<IconPencil size={14} />}
                        onClick={() => setEditing(inbox)}
                        data-testid="inbox-edit"
                      >
                        {t("email.admin.edit")}
                      </Button>
                      <Button size="xs" variant="subtle" color="red" onClick={() => setDisabling(inbox)}>
                        {t("email.admin.disable")}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {editing ? (
        <InboxModal
          key={editing === "new" ? "new" : editing.id}
          inbox={editing === "new" ? null : editing}
          opened
          onClose={() => setEditing(null)}
        />
      ) : null}
      <Modal
        opened={disabling !== null}
        onClose={() => setDisabling(null)}
        title={t("email.admin.disableTitle")}
      >
        <Text fz="sm" mb="md">
          {t("email.admin.disableText", { address: disabling?.address ?? "" })}
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={() => setDisabling(null)}>
            {t("common.cancel")}
          </Button>
          <Button
            color="red"
            loading={disable.isPending}
            onClick={() => disabling && disable.mutate(disabling.id)}
          >
            {t("email.admin.disable")}
          </Button>
        </Group>
      </Modal>
    </Page>
  );
}
