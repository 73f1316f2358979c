import type { Contact } from "@khidma/contracts";
import { Anchor, Group, Loader, Stack, Text, UnstyledButton } from "@mantine/core";
import { type Icon, IconBuilding, IconLanguage, IconMail, IconPhone } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { conversationsApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { StatusBadge } from "../../components/Badges";
import { RelativeTime } from "../../components/RelativeTime";
import { UserAvatar } from "../../components/UserAvatar";
import { UserText } from "../../components/UserText";

function Detail({ icon: IconComponent, children }: { icon: Icon; children: React.ReactNode }) {
  return (
    <Group gap={8} wrap="nowrap" align="flex-start">
      <IconComponent size={15} color="var(--mantine-color-gray-6)" style={{ flexShrink: 0, marginTop: 3 }} />
      <Text fz="sm" style={{ overflowWrap: "anywhere" }}>
        {children}
      </Text>
    </Group>
  );
}

/** Who the customer is and what they asked before. */
export function ContactPanel({
  contact,
  currentConversationId,
}: {
  contact: Contact;
  currentConversationId?: number;
}) {
  const { t } = useTranslation();
  const past = useQuery({
    queryKey: queryKeys.contactConversations(contact.id),
    queryFn: () => conversationsApi.contactConversations(contact.id),
  });
  const others = (past.data?.items ?? []).filter((c) => c.id !== currentConversationId);
  const attributes = Object.entries(contact.attributes ?? {}).filter(
    ([, value]) => typeof value === "string" || typeof value === "number" || typeof value === "boolean",
  );

  return (
    <Stack gap="md" data-testid="contact-panel">
      <Group gap="sm" wrap="nowrap">
        <UserAvatar name={contact.name} size={44} />
        <div style={{ minWidth: 0 }}>
          <Anchor
            component={Link}
            to={`/contacts/${contact.id}`}
            fw={700}
            c="dark"
            data-testid="contact-name"
          >
            {contact.name}
          </Anchor>
          <Text fz="xs" c="dimmed">
            {t("contact.since")} <RelativeTime iso={contact.createdAt} />
          </Text>
        </div>
      </Group>
      <Stack gap={6}>
        {contact.emails.map((email) => (
          <Detail key={email} icon={IconMail}>
            <bdi>{email}</bdi>
          </Detail>
        ))}
        {contact.phones.map((phone) => (
          <Detail key={phone} icon={IconPhone}>
            <bdi>{phone}</bdi>
          </Detail>
        ))}
        {contact.company ? <Detail icon={IconBuilding}>{contact.company}</Detail> : null}
        {contact.language ? <Detail icon={IconLanguage}>{t(`language.${contact.language}`)}</Detail> : null}
        {attributes.map(([key, value]) => (
          <Text key={key} fz="xs" c="dimmed">
            {key}:{" "}
            <Text span fz="xs" c="dark">
              {String(value)}
            </Text>
          </Text>
        ))}
      </Stack>
      <div>
        <Text fz="xs" fw={700} c="dimmed" tt="uppercase" mb={6}>
          {t("contact.pastConversations")}
        </Text>
        {past.isPending ? (
          <Loader size="sm" />
        ) : others.length === 0 ? (
          <Text fz="sm" c="dimmed">
            {t("contact.noPast")}
          </Text>
        ) : (
          <Stack gap={4}>
            {others.map((c) => (
              <UnstyledButton
                key={c.id}
                component={Link}
                to={`/conversations/${c.id}`}
                p={8}
                style={{
                  borderRadius: "var(--mantine-radius-md)",
                  border: "1px solid var(--mantine-color-gray-2)",
                }}
                data-testid="past-conversation"
              >
                <Group justify="space-between" gap={6} wrap="nowrap">
                  <UserText fz="sm" fw={500} truncate>
                    {c.subject}
                  </UserText>
                  <StatusBadge status={c.status} size="xs" />
                </Group>
                <Group justify="space-between" gap={6} wrap="nowrap">
                  <Text fz="xs" c="dimmed">
                    #{c.number}
                  </Text>
                  <RelativeTime iso={c.lastMessageAt} />
                </Group>
              </UnstyledButton>
            ))}
          </Stack>
        )}
      </div>
    </Stack>
  );
}
