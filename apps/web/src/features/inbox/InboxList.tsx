import { CONVERSATION_STATUSES, type ConversationStatus } from "@khidma/contracts";
import { Box, Button, Center, Checkbox, Group, Loader, Select, Stack, Text, Title } from "@mantine/core";
import { IconInbox } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate } from "react-router";
import { conversationsApi, type InboxView } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { EmptyState } from "../../components/EmptyState";
import { useFallbackInterval } from "../../realtime/LiveProvider";
import { useUserMap } from "../people/use-people";
import { useShortcuts } from "../shortcuts/use-shortcuts";
import { BulkBar } from "./BulkBar";
import { ConversationRow } from "./ConversationRow";

const PAGE_SIZE = 50;

interface InboxListProps {
  view: InboxView;
  status: ConversationStatus | undefined;
  onStatusChange: (status: ConversationStatus | undefined) => void;
}

/** A view of the inbox with keyboard navigation (j/k, Enter/o, x) and bulk actions. */
export function InboxList({ view, status, onStatusChange }: InboxListProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const users = useUserMap();
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const rowRefs = useRef(new Map<number, HTMLDivElement>());

  const filters = { view, status };
  const poll = useFallbackInterval(30_000);
  const list = useInfiniteQuery({
    queryKey: queryKeys.conversationList(filters),
    queryFn: ({ pageParam }) => conversationsApi.list({ ...filters, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: poll,
  });
  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);

  // A new view starts at the top with nothing checked.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the view changes
  useEffect(() => {
    setCursor(0);
    setSelected(new Set());
  }, [view, status]);

  const open = (index: number) => {
    const conversation = items[index];
    if (conversation) {
      navigate(`/conversations/${conversation.id}`, {
        state: { from: `${location.pathname}${location.search}` },
      });
    }
  };
  const move = (delta: number) => {
    const next = Math.min(Math.max(cursor + delta, 0), Math.max(items.length - 1, 0));
    setCursor(next);
    const id = items[next]?.id;
    const row = id === undefined ? undefined : rowRefs.current.get(id);
    row?.scrollIntoView({ block: "nearest" });
    row?.focus({ preventScroll: true });
  };
  const toggle = (id: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    enter: () => open(cursor),
    o: () => open(cursor),
    x: () => {
      const id = items[cursor]?.id;
      if (id !== undefined) toggle(id);
    },
  });

  const allChecked = items.length > 0 && items.every((item) => selected.has(item.id));
  const someChecked = selected.size > 0 && !allChecked;

  return (
    <Stack gap={0} h="100%">
      <Group justify="space-between" px="md" py="sm" wrap="wrap" gap="sm" bg="white">
        <Group gap="sm" wrap="nowrap">
          <Checkbox
            checked={allChecked}
            indeterminate={someChecked}
            onChange={() => setSelected(allChecked ? new Set() : new Set(items.map((item) => item.id)))}
            aria-label={t("inbox.selectAll")}
            data-testid="select-all"
          />
          <Title order={2} fz="lg" data-testid="inbox-title">
            {t(`inbox.views.${view}`)}
            {status ? ` · ${t(`status.${status}`)}` : ""}
          </Title>
        </Group>
        <Select
          size="xs"
          w={160}
          clearable
          placeholder={t("inbox.anyStatus")}
          data={CONVERSATION_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          value={status ?? null}
          onChange={(value) => onStatusChange((value as ConversationStatus | null) ?? undefined)}
          aria-label={t("inbox.filterStatus")}
          data-testid="inbox-status-filter"
        />
      </Group>
      {selected.size > 0 ? <BulkBar ids={[...selected]} onDone={() => setSelected(new Set())} /> : null}
      <Box
        bg="white"
        style={{ borderTop: "1px solid var(--mantine-color-gray-2)", flex: 1 }}
        data-testid="inbox-list"
      >
        {list.isPending ? (
          <Center py="xl">
            <Loader />
          </Center>
        ) : items.length === 0 ? (
          <EmptyState icon={IconInbox} title={t("inbox.empty")} text={t("inbox.emptyHint")} />
        ) : (
          items.map((conversation, index) => (
            <ConversationRow
              key={conversation.id}
              ref={(node) => {
                if (node) rowRefs.current.set(conversation.id, node);
                else rowRefs.current.delete(conversation.id);
              }}
              conversation={conversation}
              assignee={conversation.assigneeId === null ? undefined : users.get(conversation.assigneeId)}
              active={index === cursor}
              selected={selected.has(conversation.id)}
              onOpen={() => open(index)}
              onFocusRow={() => setCursor(index)}
              onToggleSelected={() => toggle(conversation.id)}
            />
          ))
        )}
        {list.hasNextPage ? (
          <Center py="md">
            <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t("common.loadMore")}
            </Button>
          </Center>
        ) : null}
      </Box>
      {items.length > 0 ? (
        <Text fz="xs" c="dimmed" ta="center" py="sm" visibleFrom="sm">
          {t("inbox.keyboardHint")}
        </Text>
      ) : null}
    </Stack>
  );
}
