import { CONVERSATION_STATUSES, type ConversationStatus } from "@khidma/contracts";
import { ActionIcon, Button, Group, Paper, Select, Text, TextInput, Tooltip } from "@mantine/core";
import { IconTag, IconX } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type BulkChange, conversationsApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { notifySuccess } from "../../components/notify";
import { useActiveUsers } from "../people/use-people";

const UNASSIGNED = "none";

/** Actions on the checked conversations: set status, assign, add a tag. */
export function BulkBar({ ids, onDone }: { ids: number[]; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const users = useActiveUsers();
  const [tag, setTag] = useState("");

  const bulk = useMutation({
    mutationFn: (change: Omit<BulkChange, "ids">) => conversationsApi.bulk({ ids, ...change }),
    onSuccess: async (result) => {
      notifySuccess(t("inbox.bulk.done", { count: result.updated }));
      setTag("");
      onDone();
      await queryClient.invalidateQueries({ queryKey: queryKeys.conversations });
    },
  });

  const userOptions = [
    { value: UNASSIGNED, label: t("conversation.unassigned") },
    ...users.map((user) => ({ value: String(user.id), label: user.name })),
  ];

  return (
    <Paper
      radius={0}
      px="md"
      py={8}
      bg="brand.0"
      style={{ borderBottom: "1px solid var(--mantine-color-brand-2)" }}
      data-testid="bulk-bar"
    >
      <Group gap="sm" wrap="wrap">
        <Tooltip label={t("inbox.bulk.clear")}>
          <ActionIcon variant="subtle" color="gray" onClick={onDone} aria-label={t("inbox.bulk.clear")}>
            <IconX size={16} />
          </ActionIcon>
        </Tooltip>
        <Text fz="sm" fw={600} data-testid="bulk-count">
          {t("inbox.bulk.selected", { count: ids.length })}
        </Text>
        <Select
          size="xs"
          w={150}
          placeholder={t("inbox.bulk.setStatus")}
          data={CONVERSATION_STATUSES.map((status) => ({ value: status, label: t(`status.${status}`) }))}
          value={null}
          onChange={(value) => value && bulk.mutate({ status: value as ConversationStatus })}
          disabled={bulk.isPending}
          data-testid="bulk-status"
          comboboxProps={{ withinPortal: true }}
        />
        <Select
          size="xs"
          w={170}
          placeholder={t("inbox.bulk.assign")}
          data={userOptions}
          value={null}
          searchable
          onChange={(value) =>
            value && bulk.mutate({ assigneeId: value === UNASSIGNED ? null : Number(value) })
          }
          disabled={bulk.isPending}
          data-testid="bulk-assign"
        />
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const clean = tag.trim();
            if (clean) bulk.mutate({ addTags: [clean] });
          }}
        >
          <Group gap={4} wrap="nowrap">
            <TextInput
              size="xs"
              w={130}
              placeholder={t("inbox.bulk.tag")}
              leftSection={<IconTag size={14} />}
              value={tag}
              onChange={(e) => setTag(e.currentTarget.value)}
              data-testid="bulk-tag"
            />
            <Button size="xs" type="submit" variant="light" disabled={!tag.trim()} loading={bulk.isPending}>
              {t("inbox.bulk.addTag")}
            </Button>
          </Group>
        </form>
      </Group>
    </Paper>
  );
}
