import type { Message } from "@khidma/contracts";
import { Box, Group, Paper, Text } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { RelativeTime } from "../../components/RelativeTime";
import { UserAvatar } from "../../components/UserAvatar";
import { DeliveryState } from "../email/DeliveryState";
import { EmailParts } from "../email/EmailParts";
import { MentionText } from "./MentionText";

const STYLE = {
  inbound: { bg: "white", border: "1px solid var(--mantine-color-gray-3)" },
  reply: { bg: "var(--mantine-color-brand-0)", border: "1px solid var(--mantine-color-brand-2)" },
  note: { bg: "var(--mantine-color-yellow-0)", border: "1px dashed var(--mantine-color-yellow-6)" },
} as const;

/**
 * One message: the customer's on the start side, the team's replies on the
 * end side, internal notes in yellow with a lock so nobody mistakes them for replies.
 */
export function MessageItem({ message, contactName }: { message: Message; contactName: string }) {
  const { t } = useTranslation();
  const inbound = message.kind === "inbound";
  const author = message.authorName ?? (inbound ? contactName : t("common.someone"));
  const style = STYLE[message.kind];
  const text = (
    <Text fz="sm" className="message-bubble" dir="auto">
      <MentionText text={message.body} />
    </Text>
  );

  return (
    <Group
      justify={inbound ? "flex-start" : "flex-end"}
      align="flex-end"
      gap="xs"
      wrap="nowrap"
      data-testid="message-item"
      data-kind={message.kind}
      data-message-id={message.id}
    >
      {inbound ? <UserAvatar name={author} size={30} /> : null}
      <Box maw={{ base: "88%", sm: "75%" }} style={{ minWidth: 0 }}>
        <Group gap={6} mb={4} justify={inbound ? "flex-start" : "flex-end"} wrap="nowrap">
          {message.kind === "note" ? (
            <Group gap={4} wrap="nowrap">
              <IconLock size={13} color="var(--mantine-color-yellow-8)" />
              <Text fz="xs" fw={700} c="yellow.9">
                {t("conversation.internalNote")}
              </Text>
            </Group>
          ) : null}
          <Text fz="xs" fw={600} c="dark.4" truncate>
            {author}
          </Text>
          <RelativeTime iso={message.createdAt} />
        </Group>
        <Paper
          px="md"
          py="sm"
          radius="lg"
          style={{
            background: style.bg,
            border: style.border,
            borderEndStartRadius: inbound ? 4 : undefined,
            borderEndEndRadius: inbound ? undefined : 4,
          }}
        >
          {message.html || message.quotedText || message.quotedHtml || message.attachments?.length ? (
            <EmailParts message={message} fallback={text} />
          ) : (
            text
          )}
        </Paper>
        <DeliveryState message={message} />
      </Box>
      {inbound ? null : (
        <UserAvatar name={author} size={30} color={message.kind === "note" ? "yellow" : "brand"} />
      )}
    </Group>
  );
}
