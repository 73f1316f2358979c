import type { AuditEvent, Message } from "@khidma/contracts";
import { Center, Loader, ScrollArea, Stack, Text } from "@mantine/core";
import { useEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import { EventItem } from "./EventItem";
import { isMessageEvent } from "./event-text";
import { MessageItem } from "./MessageItem";

type Entry = { at: string; message: Message } | { at: string; event: AuditEvent };

/** Messages and changes of a conversation in time order, scrolled to the newest. */
export function Timeline({
  messages,
  events,
  loading,
  contactName,
}: {
  messages: Message[] | undefined;
  events: AuditEvent[] | undefined;
  loading: boolean;
  contactName: string;
}) {
  const { t } = useTranslation();
  const viewport = useRef<HTMLDivElement>(null);

  const entries = useMemo(() => {
    const list: Entry[] = [
      ...(messages ?? []).map((message) => ({ at: message.createdAt, message })),
      ...(events ?? [])
        .filter((event) => !isMessageEvent(event))
        .map((event) => ({ at: event.createdAt, event })),
    ];
    // Stable for equal timestamps: a change made with a message shows after it.
    return list.sort((a, b) => a.at.localeCompare(b.at));
  }, [messages, events]);

  const last = entries.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when something new arrives
  useEffect(() => {
    const node = viewport.current;
    if (node) node.scrollTo({ top: node.scrollHeight });
  }, [last]);

  return (
    <ScrollArea viewportRef={viewport} style={{ flex: 1 }} type="auto" data-testid="timeline">
      {loading ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : (
        <Stack gap="md" p={{ base: "sm", sm: "lg" }}>
          {entries.length === 0 ? (
            <Text c="dimmed" ta="center" fz="sm" py="xl">
              {t("conversation.noMessages")}
            </Text>
          ) : null}
          {entries.map((entry) =>
            "message" in entry ? (
              <MessageItem key={`m${entry.message.id}`} message={entry.message} contactName={contactName} />
            ) : (
              <EventItem key={`e${entry.event.id}`} event={entry.event} contactName={contactName} />
            ),
          )}
        </Stack>
      )}
    </ScrollArea>
  );
}
