import { Text } from "@mantine/core";
import { IconMail } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { isolate } from "../../i18n/format";
import { emailApi, emailKeys } from "./email-api";

/** For email conversations: the inbox the customer wrote to, by name and address. */
export function ConversationInboxLine({
  conversationId,
  channel,
}: {
  conversationId: number;
  channel: string;
}) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: emailKeys.conversationInbox(conversationId),
    queryFn: () => emailApi.conversationInbox(conversationId),
    enabled: channel === "email",
    staleTime: 60_000,
  });
  const inbox = query.data?.inbox;
  if (!inbox) return null;
  return (
    <Text
      fz="xs"
      c="dimmed"
      data-testid="conversation-inbox"
      style={{ display: "inline-flex", gap: 4, alignItems: "center" }}
    >
      <IconMail size={13} />
      {t("email.inboxLine", { name: isolate(inbox.name), address: isolate(inbox.address) })}
    </Text>
  );
}
