import { Box, Button, Center, Divider, Drawer, Loader, ScrollArea, Stack } from "@mantine/core";
import { useDisclosure, useMediaQuery } from "@mantine/hooks";
import { IconMessageOff } from "@tabler/icons-react";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "react-router";
import { EmptyState } from "../components/EmptyState";
import { usePageTitle } from "../components/use-page-title";
import { ContactPanel } from "../features/contacts/ContactPanel";
import { Composer, type ComposerHandle } from "../features/conversation/Composer";
import { ConversationHeader } from "../features/conversation/ConversationHeader";
import { ConversationProperties } from "../features/conversation/ConversationProperties";
import { Timeline } from "../features/conversation/Timeline";
import {
  useConversation,
  useConversationEvents,
  useMessages,
  useUpdateConversation,
} from "../features/conversation/use-conversation";
import { useShortcuts } from "../features/shortcuts/use-shortcuts";
import { useChatReadReceipt } from "../features/widgets/use-chat-read";
import { CollisionBanner, CustomerTyping } from "../realtime/CollisionBanner";
import { useCustomerTyping } from "../realtime/LiveProvider";
import { useConversationViewers } from "../realtime/use-conversation-live";

/** /conversations/:id — timeline, composer, controls and the contact. */
export function ConversationRoute() {
  const { t } = useTranslation();
  const params = useParams();
  const id = Number(params.id);
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/inbox/mine";
  const wide = useMediaQuery("(min-width: 75em)", true, { getInitialValueInEffect: false });
  const [detailsOpened, details] = useDisclosure(false);
  const composer = useRef<ComposerHandle>(null);

  const conversation = useConversation(id);
  const messages = useMessages(id);
  const events = useConversationEvents(id);
  const update = useUpdateConversation(id);
  const viewers = useConversationViewers(id);
  const customerTyping = useCustomerTyping(id);
  const c = conversation.data;
  useChatReadReceipt(c, messages.data);
  usePageTitle(c ? `#${c.number} ${c.subject}` : undefined);

  useShortcuts(
    {
      r: () => composer.current?.focus("reply"),
      n: () => composer.current?.focus("note"),
      e: () => {
        if (c && c.status !== "solved" && c.status !== "closed") update.mutate({ status: "solved" });
      },
    },
    Boolean(c),
  );

  if (!Number.isInteger(id) || conversation.isError) {
    return (
      <EmptyState
        icon={IconMessageOff}
        title={t("conversation.notFound")}
        action={
          <Button component={Link} to="/inbox/mine" variant="light">
            {t("common.backToInbox")}
          </Button>
        }
      />
    );
  }
  if (!c) {
    return (
      <Center h="50vh">
        <Loader />
      </Center>
    );
  }

  const aside = (
    <Stack gap="lg">
      <ConversationProperties conversation={c} />
      <Divider />
      <ContactPanel contact={c.contactDetail} currentConversationId={c.id} />
    </Stack>
  );

  return (
    <Box style={{ display: "flex", flexDirection: "column", height: "calc(100dvh - 60px)" }}>
      <ConversationHeader conversation={c} backTo={from} onShowDetails={wide ? null : details.open} />
      <CollisionBanner viewers={viewers} />
      <CustomerTyping typing={customerTyping} name={c.contact.name} />
      <Box style={{ display: "flex", flex: 1, minHeight: 0 }}>
        <Box style={{ display: "flex", flexDirection: "column", flex: 1, minWidth: 0 }}>
          <Timeline
            messages={messages.data}
            events={events.data}
            loading={messages.isPending}
            contactName={c.contact.name}
          />
          <Composer ref={composer} conversationId={c.id} contactName={c.contact.name} />
        </Box>
        {wide ? (
          <ScrollArea
            w={320}
            bg="white"
            p="md"
            style={{ borderInlineStart: "1px solid var(--mantine-color-gray-2)", flexShrink: 0 }}
          >
            {aside}
          </ScrollArea>
        ) : null}
      </Box>
      {wide ? null : (
        <Drawer
          opened={detailsOpened}
          onClose={details.close}
          position="right"
          size={340}
          title={t("conversation.details")}
        >
          {aside}
        </Drawer>
      )}
    </Box>
  );
}
