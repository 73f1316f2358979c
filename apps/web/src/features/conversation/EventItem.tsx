import type { AuditEvent } from "@khidma/contracts";
import { Group, Stack, Text } from "@mantine/core";
import { IconActivity } from "@tabler/icons-react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { RelativeTime } from "../../components/RelativeTime";
import { isolate } from "../../i18n/format";
import { asLanguage, intlLocale } from "../../i18n/i18n";
import { useTeamMap, useUserMap } from "../people/use-people";
import { describeEvent, type EventLine } from "./event-text";

function label(
  t: TFunction,
  group: "status" | "priority" | "type" | "language",
  value: string | null,
): string {
  if (value === null) return t("common.none");
  // Values come from the server; an unknown one is shown as it is.
  return t(`${group}.${value}` as "status.new", { defaultValue: value });
}

/** A change in the conversation (status, assignment, tags…), shown between messages. */
export function EventItem({ event, contactName }: { event: AuditEvent; contactName?: string | undefined }) {
  const { t, i18n } = useTranslation();
  const list = new Intl.ListFormat(intlLocale(asLanguage(i18n.language)), { type: "conjunction" });
  const users = useUserMap();
  const teams = useTeamMap();
  const actor = isolate(event.actorName ?? t("events.system"));

  const render = (line: EventLine): string => {
    switch (line.key) {
      case "created":
        // Opened by the customer (email, chat, web form) rather than by an agent or integration.
        if (event.actorName === null && contactName) {
          return t("events.createdByCustomer", { name: isolate(contactName) });
        }
        return t("events.created", { actor });
      case "status":
      case "priority":
      case "type":
      case "language":
        return t("events.changed", {
          actor,
          field: t(`events.field.${line.key}`),
          from: label(t, line.key, line.from),
          to: label(t, line.key, line.to),
        });
      case "assigned":
        return t("events.assigned", {
          actor,
          name: isolate(users.get(line.userId)?.name ?? `#${line.userId}`),
        });
      case "unassigned":
        return t("events.unassigned", { actor });
      case "team":
        return t("events.team", { actor, team: isolate(teams.get(line.teamId)?.name ?? `#${line.teamId}`) });
      case "teamRemoved":
        return t("events.teamRemoved", { actor });
      case "tagsAdded":
        return t("events.tagsAdded", {
          actor,
          tags: list.format(line.tags.map(isolate)),
          count: line.tags.length,
        });
      case "tagsRemoved":
        return t("events.tagsRemoved", {
          actor,
          tags: list.format(line.tags.map(isolate)),
          count: line.tags.length,
        });
      case "subject":
        return t("events.subject", { actor, subject: isolate(line.to) });
      case "reason":
        return t("events.reason", { reason: isolate(line.reason) });
      case "other":
        return t("events.other", { actor, type: line.type });
    }
  };

  return (
    <Group
      justify="center"
      gap="xs"
      wrap="nowrap"
      py={2}
      data-testid="event-item"
      data-event-type={event.type}
    >
      <IconActivity size={14} color="var(--mantine-color-gray-5)" style={{ flexShrink: 0 }} />
      <Stack gap={0} align="center">
        {describeEvent(event).map((line) => (
          <Text key={line.key} fz="xs" c="dimmed" ta="center">
            {render(line)}
          </Text>
        ))}
      </Stack>
      <RelativeTime iso={event.createdAt} />
    </Group>
  );
}
