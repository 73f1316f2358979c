import {
  CONVERSATION_TYPES,
  type ConversationDetail,
  type ConversationType,
  LANGUAGES,
  type Language,
  PRIORITIES,
  type Priority,
} from "@khidma/contracts";
import { Select, Stack, TagsInput, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useTeams } from "../people/use-people";
import { TransferButton } from "./TransferButton";
import { useUpdateConversation } from "./use-conversation";

/** The less frequent controls: priority, type, language, team, tags, and transfer with a reason. */
export function ConversationProperties({ conversation: c }: { conversation: ConversationDetail }) {
  const { t } = useTranslation();
  const teams = useTeams();
  const update = useUpdateConversation(c.id);
  const [tags, setTags] = useState(c.tags);

  useEffect(() => setTags(c.tags), [c.tags]);

  return (
    <Stack gap="sm">
      <Text fz="xs" fw={700} c="dimmed" tt="uppercase">
        {t("conversation.properties")}
      </Text>
      <Select
        label={t("conversation.fields.priority")}
        size="sm"
        data={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
        value={c.priority}
        allowDeselect={false}
        onChange={(value) => value && value !== c.priority && update.mutate({ priority: value as Priority })}
        data-testid="priority-select"
      />
      <Select
        label={t("conversation.fields.type")}
        size="sm"
        clearable
        placeholder={t("common.none")}
        data={CONVERSATION_TYPES.map((type) => ({ value: type, label: t(`type.${type}`) }))}
        value={c.type}
        onChange={(value) =>
          value !== c.type && update.mutate({ type: (value as ConversationType | null) ?? null })
        }
        data-testid="type-select"
      />
      <Select
        label={t("conversation.fields.language")}
        size="sm"
        clearable
        placeholder={t("common.none")}
        data={LANGUAGES.map((lang) => ({ value: lang, label: t(`language.${lang}`) }))}
        value={c.language}
        onChange={(value) =>
          value !== c.language && update.mutate({ language: (value as Language | null) ?? null })
        }
        data-testid="language-select"
      />
      <Select
        label={t("conversation.fields.team")}
        size="sm"
        clearable
        placeholder={t("common.none")}
        data={(teams.data ?? []).map((team) => ({ value: String(team.id), label: team.name }))}
        value={c.teamId === null ? null : String(c.teamId)}
        onChange={(value) => {
          const next = value === null ? null : Number(value);
          if (next !== c.teamId) update.mutate({ teamId: next });
        }}
        data-testid="team-select"
      />
      <TagsInput
        label={t("conversation.fields.tags")}
        size="sm"
        placeholder={t("conversation.addTag")}
        value={tags}
        onChange={(next) => {
          const clean = [...new Set(next.map((tag) => tag.trim()).filter(Boolean))];
          setTags(clean);
          update.mutate({ tags: clean });
        }}
        clearable
        data-testid="tags-input"
      />
      <TransferButton conversation={c} />
    </Stack>
  );
}
