import type { ConversationDetail } from "@khidma/contracts";
import { Button, Group, Modal, Select, Stack, Textarea } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconArrowsExchange } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { notifySuccess } from "../../components/notify";
import { useActiveUsers, useTeams } from "../people/use-people";
import { useAssignConversation } from "./use-conversation";

/** Transfer to another agent and/or team, with a reason the new owner will see in the timeline. */
export function TransferButton({ conversation: c }: { conversation: ConversationDetail }) {
  const { t } = useTranslation();
  const [opened, modal] = useDisclosure(false);
  const users = useActiveUsers();
  const teams = useTeams();
  const assign = useAssignConversation(c.id);
  const [assignee, setAssignee] = useState<string | null>(null);
  const [team, setTeam] = useState<string | null>(null);
  const [reason, setReason] = useState("");

  const start = () => {
    setAssignee(c.assigneeId === null ? null : String(c.assigneeId));
    setTeam(c.teamId === null ? null : String(c.teamId));
    setReason("");
    modal.open();
  };

  return (
    <>
      <Button variant="default" size="sm" leftSection={<IconArrowsExchange size={16} />} onClick={start}>
        {t("transfer.button")}
      </Button>
      <Modal opened={opened} onClose={modal.close} title={t("transfer.title")} centered>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            assign.mutate(
              {
                assigneeId: assignee === null ? null : Number(assignee),
                teamId: team === null ? null : Number(team),
                ...(reason.trim() ? { reason: reason.trim() } : {}),
              },
              {
                onSuccess: () => {
                  notifySuccess(t("transfer.done"));
                  modal.close();
                },
              },
            );
          }}
        >
          <Stack>
            <Select
              label={t("conversation.fields.assignee")}
              clearable
              searchable
              placeholder={t("conversation.unassigned")}
              data={users.map((user) => ({ value: String(user.id), label: user.name }))}
              value={assignee}
              onChange={setAssignee}
              comboboxProps={{ withinPortal: true }}
            />
            <Select
              label={t("conversation.fields.team")}
              clearable
              placeholder={t("common.none")}
              data={(teams.data ?? []).map((item) => ({ value: String(item.id), label: item.name }))}
              value={team}
              onChange={setTeam}
            />
            <Textarea
              label={t("transfer.reason")}
              placeholder={t("transfer.reasonPlaceholder")}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              autosize
              minRows={2}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={modal.close}>
                {t("common.cancel")}
              </Button>
              <Button type="submit" loading={assign.isPending}>
                {t("transfer.submit")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
