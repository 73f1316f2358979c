import {
  Anchor,
  Badge,
  Center,
  Group,
  Loader,
  Paper,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from "@mantine/core";
import { IconSearch, IconZoomQuestion } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { miscApi } from "../api/endpoints";
import { queryKeys } from "../api/query-keys";
import { StatusBadge } from "../components/Badges";
import { EmptyState } from "../components/EmptyState";
import { Page } from "../components/Page";
import { RelativeTime } from "../components/RelativeTime";
import { UserAvatar } from "../components/UserAvatar";
import { plainMentions } from "../features/conversation/mentions";
import { HighlightText } from "../features/search/HighlightText";
import { isolate } from "../i18n/format";

/** /search?q= — conversations and contacts matching the words. */
export function SearchRoute() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);

  const results = useQuery({
    queryKey: queryKeys.search(q),
    queryFn: () => miscApi.search(q),
    enabled: q.length > 0,
  });
  const conversations = results.data?.conversations ?? [];
  const contacts = results.data?.contacts ?? [];

  return (
    <Page title={t("search.title")} maxWidth={900}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setParams(draft.trim() ? { q: draft.trim() } : {});
        }}
      >
        <TextInput
          size="md"
          radius="xl"
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
          placeholder={t("search.placeholder")}
          leftSection={<IconSearch size={18} />}
          aria-label={t("search.label")}
          data-testid="search-page-input"
          autoFocus={!q}
          mb="lg"
        />
      </form>
      {!q ? (
        <EmptyState icon={IconSearch} title={t("search.prompt")} text={t("search.promptHint")} />
      ) : results.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : conversations.length === 0 && contacts.length === 0 ? (
        <EmptyState
          icon={IconZoomQuestion}
          title={t("search.noResults", { q: isolate(q) })}
          text={t("search.noResultsHint")}
        />
      ) : (
        <Stack gap="xl" data-testid="search-results">
          {conversations.length > 0 ? (
            <Stack gap="xs">
              <Group gap="xs">
                <Text fw={700}>{t("search.conversations")}</Text>
                <Badge variant="light" color="gray">
                  {conversations.length}
                </Badge>
              </Group>
              {conversations.map((c) => (
                <UnstyledButton
                  key={c.id}
                  component={Link}
                  to={`/conversations/${c.id}`}
                  state={{ from: `/search?q=${encodeURIComponent(q)}` }}
                  data-testid="search-result-conversation"
                >
                  <Paper withBorder radius="md" p="md" className="search-result">
                    <Group justify="space-between" gap="sm" wrap="nowrap">
                      <Text fw={600} truncate>
                        <HighlightText text={c.subject} query={q} />
                      </Text>
                      <StatusBadge status={c.status} size="sm" />
                    </Group>
                    <Text fz="sm" c="dimmed" mt={4} lineClamp={2}>
                      <HighlightText text={plainMentions(c.highlight ?? c.preview)} query={q} />
                    </Text>
                    <Group gap="xs" mt={6}>
                      <Text fz="xs" c="dimmed">
                        <bdi>#{c.number}</bdi> · <bdi>{c.contact.name}</bdi>
                      </Text>
                      <RelativeTime iso={c.lastMessageAt} />
                    </Group>
                  </Paper>
                </UnstyledButton>
              ))}
            </Stack>
          ) : null}
          {contacts.length > 0 ? (
            <Stack gap="xs">
              <Group gap="xs">
                <Text fw={700}>{t("search.contacts")}</Text>
                <Badge variant="light" color="gray">
                  {contacts.length}
                </Badge>
              </Group>
              {contacts.map((contact) => (
                <Paper key={contact.id} withBorder radius="md" p="md" data-testid="search-result-contact">
                  <Group gap="sm" wrap="nowrap">
                    <UserAvatar name={contact.name} />
                    <div style={{ minWidth: 0 }}>
                      <Anchor component={Link} to={`/contacts/${contact.id}`} fw={600}>
                        {contact.name}
                      </Anchor>
                      <Text fz="xs" c="dimmed" truncate>
                        {[...contact.emails, ...contact.phones, contact.company].filter(Boolean).join(" · ")}
                      </Text>
                    </div>
                  </Group>
                </Paper>
              ))}
            </Stack>
          ) : null}
        </Stack>
      )}
    </Page>
  );
}
