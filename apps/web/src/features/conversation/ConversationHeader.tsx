import { CONVERSATION_STATUSES, type ConversationDetail, type ConversationStatus } from "@khidma/contracts";
import { ActionIcon, Box, Button, Group, Select, Stack, Text, Title, Tooltip } from "@mantine/core";
import { IconArrowLeft, IconCircleCheck, IconLayoutSidebarRight } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { PriorityBadge, StatusBadge } from "../../components/Badges";
import { useIsPhone } from "../../components/use-is-phone";
import { PresenceMark } from "../../realtime/PresenceDot";
import { ConversationInboxLine } from "../email/ConversationInboxLine";
import { useUsers } from "../people/use-people";
import { useAssignConversation, useUpdateConversation } from "./use-conversation";

const UNASSIGNED = "none";

/** Subject, number, and the controls used most: status, assignee, solve. */
export function ConversationHeader({
  conversation: c,
  backTo,
  onShowDetails,
}: {
  conversation: ConversationDetail;
  backTo: string;
  onShowDetails: (() => void) | null;
}) {
  const { t } = useTranslation();
  const users = useUsers();
  const update = useUpdateConversation(c.id);
  const assign = useAssignConversation(c.id);
  const solved = c.status === "solved" || c.status === "closed";
  const phone = useIsPhone();

  return (
    <Box
      px={{ base: "sm", sm: "lg" }}
      py="sm"
      bg="white"
      style={{ borderBottom: "1px solid var(--mantine-color-gray-2)" }}
    >
      <Group justify="space-between" align="flex-start" gap="sm" wrap="wrap">
        <Group gap="sm" wrap="nowrap" align="flex-start" style={{ minWidth: 0, flex: "1 1 280px" }}>
          <Tooltip label={t("common.back")}>
            <ActionIcon
              component={Link}
              to={backTo}
              variant="subtle"
              color="gray"
              aria-label={t("common.back")}
              mt={2}
            >
              <IconArrowLeft size={18} className="flip-rtl" />
            </ActionIcon>
          </Tooltip>
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Title
              order={2}
              fz="lg"
              lh={1.35}
              data-testid="conversation-subject"
              style={{ overflowWrap: "anywhere" }}
            >
              <bdi>{c.subject}</bdi>
            </Title>
            <Group gap={6} wrap="wrap">
              <Text fz="xs" c="dimmed">
                <bdi>#{c.number}</bdi> · <bdi>{c.contact.name}</bdi> · {t(`channel.${c.channel}`)}
              </Text>
              <StatusBadge status={c.status} size="sm" data-testid="conversation-status" />
              <PriorityBadge priority={c.priority} size="sm" />
              <ConversationInboxLine conversationId={c.id} channel={c.channel} />
            </Group>
          </Stack>
        </Group>
        <Group gap="xs" wrap="wrap">
          <Select
            size="xs"
            w={phone ? 112 : 140}
            data={CONVERSATION_STATUSES.map((status) => ({ value: status, label: t(`status.${status}`) }))}
            value={c.status}
            allowDeselect={false}
            onChange={(value) =>
              value && value !== c.status && update.mutate({ status: value as ConversationStatus })
            }
            aria-label={t("conversation.fields.status")}
            data-testid="status-select"
          />
          <Select
            size="xs"
            w={phone ? 128 : 170}
            searchable
            data={[
              { value: UNASSIGNED, label: t("conversation.unassigned") },
              ...(users.data ?? [])
                .filter((user) => !user.disabled || user.id === c.assigneeId)
                .map((user) => ({ value: String(user.id), label: user.name })),
            ]}
            value={c.assigneeId === null ? UNASSIGNED : String(c.assigneeId)}
            leftSection={c.assigneeId === null ? undefined : <PresenceMark userId={c.assigneeId} />}
            allowDeselect={false}
            onChange={(value) => {
              const next = value === UNASSIGNED || value === null ? null : Number(value);
              if (next !== c.assigneeId) assign.mutate({ assigneeId: next });
            }}
            aria-label={t("conversation.fields.assignee")}
            data-testid="assignee-select"
          />
          <Button
            size="xs"
            px={phone ? 8 : undefined}
            aria-label={t("conversation.solve")}
            variant={solved ? "default" : "filled"}
            color="green"
            leftSection={phone ? undefined : <IconCircleCheck size={16} />}
            disabled={solved}
            loading={update.isPending && update.variables?.status === "solved"}
            onClick={() => update.mutate({ status: "solved" })}
            data-testid="solve-button"
          >
            {phone ? <IconCircleCheck size={16} /> : t("conversation.solve")}
          </Button>
          {onShowDetails ? (
            <Tooltip label={t("conversation.details")}>
              <ActionIcon
                variant="default"
                size={30}
                onClick={onShowDetails}
                aria-label={t("conversation.details")}
              >
                <IconLayoutSidebarRight size={16} className="flip-rtl" />
              </ActionIcon>
            </Tooltip>
          ) : null}
        </Group>
      </Group>
    </Box>
  );
}
