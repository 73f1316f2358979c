import type { ConversationSummary, UserSummary } from "@khidma/contracts";
import { Badge, Box, Checkbox, Group, Text, Tooltip } from "@mantine/core";
import { IconUserOff } from "@tabler/icons-react";
import { forwardRef } from "react";
import { useTranslation } from "react-i18next";
import { PriorityBadge, StatusBadge, TagBadge } from "../../components/Badges";
import { RelativeTime } from "../../components/RelativeTime";
import { UserAvatar } from "../../components/UserAvatar";
import { UserText } from "../../components/UserText";
import { PresenceDot } from "../../realtime/PresenceDot";
import { plainMentions } from "../conversation/mentions";

interface ConversationRowProps {
  conversation: ConversationSummary;
  assignee: UserSummary | undefined;
  active: boolean;
  selected: boolean;
  onOpen: () => void;
  onToggleSelected: () => void;
  onFocusRow: () => void;
}

/** One conversation in the inbox list: who, what, how urgent, whose, how old. */
export const ConversationRow = forwardRef<HTMLDivElement, ConversationRowProps>(function ConversationRow(
  { conversation: c, assignee, active, selected, onOpen, onToggleSelected, onFocusRow },
  ref,
) {
  const { t } = useTranslation();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row holds a checkbox, so it cannot be a button
    <div
      ref={ref}
      role="button"
      tabIndex={active ? 0 : -1}
      className="conversation-row"
      data-testid="conversation-row"
      data-conversation-id={c.id}
      data-active={active}
      data-selected={selected}
      onClick={onOpen}
      onFocus={onFocusRow}
      onKeyDown={(event) => {
        if (event.key === "Enter" && event.target === event.currentTarget) {
          // The global Enter shortcut would open it a second time.
          event.preventDefault();
          onOpen();
        }
      }}
    >
      <Group gap="sm" wrap="nowrap" align="flex-start" px="md" py={10}>
        <Box pt={2} onClick={(event) => event.stopPropagation()}>
          <Checkbox
            checked={selected}
            onChange={onToggleSelected}
            aria-label={t("inbox.select", { number: c.number })}
            data-testid="conversation-select"
            size="sm"
          />
        </Box>
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Group gap={6} wrap="nowrap" justify="space-between">
            <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
              <UserText fz="sm" fw={600} truncate>
                {c.contact.name}
              </UserText>
              <Text fz="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
                <bdi>#{c.number}</bdi>
              </Text>
            </Group>
            <RelativeTime iso={c.lastMessageAt} data-testid="conversation-age" />
          </Group>
          <UserText fz="sm" className="row-subject" truncate mt={2}>
            {c.subject}
          </UserText>
          <Group gap="sm" wrap="nowrap" justify="space-between" mt={4}>
            <UserText
              fz="xs"
              c="dimmed"
              truncate
              style={{ flex: 1, minWidth: 0 }}
              data-testid="conversation-preview"
            >
              {plainMentions(c.preview)}
            </UserText>
            <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
              <PriorityBadge priority={c.priority} size="sm" />
              <StatusBadge status={c.status} size="sm" />
              {c.tags.slice(0, 2).map((tag) => (
                <TagBadge key={tag} tag={tag} size="sm" visibleFrom="md" />
              ))}
              {c.tags.length > 2 ? (
                <Tooltip label={c.tags.slice(2).join(", ")}>
                  <Badge size="sm" variant="outline" color="gray" visibleFrom="md">
                    +{c.tags.length - 2}
                  </Badge>
                </Tooltip>
              ) : null}
              {assignee ? (
                <PresenceDot userId={assignee.id} name={assignee.name}>
                  <UserAvatar name={assignee.name} size={22} data-testid="conversation-assignee" />
                </PresenceDot>
              ) : (
                <Tooltip label={t("conversation.unassigned")}>
                  <IconUserOff
                    size={18}
                    color="var(--mantine-color-gray-5)"
                    aria-label={t("conversation.unassigned")}
                  />
                </Tooltip>
              )}
            </Group>
          </Group>
        </Box>
      </Group>
    </div>
  );
});
