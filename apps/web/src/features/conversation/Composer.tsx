import type { UserSummary } from "@khidma/contracts";
import { Box, Button, Group, Kbd, Paper, Popover, SegmentedControl, Text, Textarea } from "@mantine/core";
import { IconLock, IconMessageReply, IconSend } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type Ref, useImperativeHandle, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { conversationsApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { isolate } from "../../i18n/format";
import { useTypingSignal } from "../../realtime/use-conversation-live";
import { useActiveUsers } from "../people/use-people";
import { MentionSuggestions, matchAgents } from "./MentionSuggestions";
import { activeMentionQuery, mentionMarkup } from "./mentions";

/** What the composer writes: a reply to the customer or an internal note. */
export type ComposerMode = "reply" | "note";

/** Lets the conversation screen focus the composer from a shortcut (r, n). */
export interface ComposerHandle {
  focus: (mode: ComposerMode) => void;
}

/** Writes replies and notes; in a note, "@" offers the agents and inserts mention markup. */
export function Composer({
  conversationId,
  contactName,
  ref,
}: {
  conversationId: number;
  contactName: string;
  ref?: Ref<ComposerHandle>;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const users = useActiveUsers();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [mode, setMode] = useState<ComposerMode>("reply");
  const [text, setText] = useState("");
  const [mention, setMention] = useState<{ start: number; query: string } | null>(null);
  const [highlighted, setHighlighted] = useState(0);

  useImperativeHandle(ref, () => ({
    focus: (next) => {
      setMode(next);
      // After the mode's re-render, so the caret lands in the visible textarea.
      requestAnimationFrame(() => textarea.current?.focus());
    },
  }));

  const candidates = useMemo(
    () => (mention && mode === "note" ? matchAgents(users, mention.query) : []),
    [mention, mode, users],
  );

  const typing = useTypingSignal(conversationId);
  const send = useMutation({
    mutationFn: () => conversationsApi.send(conversationId, { body: text.trim(), kind: mode }),
    onSuccess: async () => {
      typing.stopped();
      setText("");
      setMention(null);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.conversation(conversationId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.conversations }),
      ]);
    },
  });

  const updateMention = (value: string, caret: number) => {
    const next = mode === "note" ? activeMentionQuery(value, caret) : null;
    setMention(next);
    if (next?.query !== mention?.query) setHighlighted(0);
  };

  const pick = (user: UserSummary) => {
    const node = textarea.current;
    if (!node || !mention) return;
    const caret = node.selectionStart;
    const insert = `${mentionMarkup(user.name, user.id)} `;
    const value = text.slice(0, mention.start) + insert + text.slice(caret);
    setText(value);
    setMention(null);
    const position = mention.start + insert.length;
    requestAnimationFrame(() => {
      node.focus();
      node.setSelectionRange(position, position);
    });
  };

  const canSend = text.trim().length > 0 && !send.isPending;
  const note = mode === "note";

  return (
    <Paper
      m={{ base: "xs", sm: "md" }}
      mt={0}
      p="sm"
      radius="lg"
      withBorder
      shadow="xs"
      style={{
        background: note ? "var(--mantine-color-yellow-0)" : "white",
        borderColor: note ? "var(--mantine-color-yellow-5)" : undefined,
        borderStyle: note ? "dashed" : undefined,
      }}
      data-testid="composer"
      data-mode={mode}
    >
      <Group justify="space-between" mb="xs" gap="xs">
        <SegmentedControl
          size="xs"
          value={mode}
          onChange={(value) => {
            setMode(value as ComposerMode);
            setMention(null);
          }}
          data-testid="composer-mode"
          data={[
            {
              value: "reply",
              label: (
                <Group gap={6} wrap="nowrap" data-testid="composer-mode-reply">
                  <IconMessageReply size={14} className="flip-rtl" />
                  <span>{t("composer.reply")}</span>
                </Group>
              ),
            },
            {
              value: "note",
              label: (
                <Group gap={6} wrap="nowrap" data-testid="composer-mode-note">
                  <IconLock size={14} />
                  <span>{t("composer.note")}</span>
                </Group>
              ),
            },
          ]}
        />
        {note ? (
          <Text fz="xs" c="yellow.9" fw={500}>
            {t("composer.noteHint")}
          </Text>
        ) : null}
      </Group>
      <Popover
        opened={candidates.length > 0}
        position="top-start"
        width={280}
        shadow="md"
        trapFocus={false}
        returnFocus={false}
        withinPortal
      >
        <Popover.Target>
          <Textarea
            ref={textarea}
            value={text}
            onChange={(event) => {
              setText(event.currentTarget.value);
              updateMention(event.currentTarget.value, event.currentTarget.selectionStart);
              if (event.currentTarget.value.trim()) typing.typed();
              else typing.stopped();
            }}
            onBlur={typing.stopped}
            onClick={(event) => updateMention(event.currentTarget.value, event.currentTarget.selectionStart)}
            onKeyDown={(event) => {
              if (candidates.length > 0) {
                const count = candidates.length;
                if (event.key === "ArrowDown" || event.key === "ArrowUp") {
                  event.preventDefault();
                  setHighlighted((h) => (h + (event.key === "ArrowDown" ? 1 : count - 1)) % count);
                  return;
                }
                if (event.key === "Enter" || event.key === "Tab") {
                  event.preventDefault();
                  const user = candidates[highlighted] ?? candidates[0];
                  if (user) pick(user);
                  return;
                }
                if (event.key === "Escape") {
                  event.preventDefault();
                  setMention(null);
                  return;
                }
              }
              if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                if (canSend) send.mutate();
              } else if (event.key === "Escape") {
                event.currentTarget.blur();
              }
            }}
            placeholder={
              note
                ? t("composer.notePlaceholder")
                : t("composer.replyPlaceholder", { name: isolate(contactName) })
            }
            autosize
            minRows={2}
            maxRows={8}
            variant="unstyled"
            // The typed text sets its own direction; empty, the placeholder follows the UI.
            dir={text ? "auto" : undefined}
            aria-label={note ? t("composer.note") : t("composer.reply")}
            data-testid="composer-textarea"
            styles={{ input: { paddingInline: 4 } }}
          />
        </Popover.Target>
        <Popover.Dropdown p={4}>
          <MentionSuggestions
            candidates={candidates}
            highlighted={highlighted}
            onPick={pick}
            onHover={setHighlighted}
          />
        </Popover.Dropdown>
      </Popover>
      <Group justify="space-between" mt="xs" gap="xs">
        <Box visibleFrom="sm">
          <Text fz="xs" c="dimmed">
            <Kbd size="xs">Ctrl</Kbd> + <Kbd size="xs">Enter</Kbd> {t("composer.toSend")}
          </Text>
        </Box>
        <Button
          ms="auto"
          onClick={() => send.mutate()}
          disabled={!canSend}
          loading={send.isPending}
          color={note ? "yellow.8" : undefined}
          rightSection={<IconSend size={16} className="flip-rtl" />}
          data-testid="composer-send"
        >
          {note ? t("composer.addNote") : t("composer.send")}
        </Button>
      </Group>
    </Paper>
  );
}
