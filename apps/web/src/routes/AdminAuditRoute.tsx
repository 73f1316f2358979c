import {
  Anchor,
  Button,
  Center,
  Code,
  Group,
  NumberInput,
  Paper,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { IconHistory } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { peopleApi } from "../api/endpoints";
import { queryKeys } from "../api/query-keys";
import { EmptyState } from "../components/EmptyState";
import { Page } from "../components/Page";
import { formatDateTime } from "../i18n/format";
import { asLanguage } from "../i18n/i18n";

function compact(value: unknown): string {
  if (value === null || value === undefined) return "—";
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** /admin/audit — every change in the account, newest first. */
export function AdminAuditRoute() {
  const { t, i18n } = useTranslation();
  const language = asLanguage(i18n.language);
  const [subjectType, setSubjectType] = useState("");
  const [subjectId, setSubjectId] = useState<number | undefined>(undefined);
  const filters = {
    ...(subjectType.trim() ? { subjectType: subjectType.trim() } : {}),
    ...(subjectId !== undefined ? { subjectId } : {}),
  };
  const log = useInfiniteQuery({
    queryKey: queryKeys.auditLog(filters),
    queryFn: ({ pageParam }) =>
      peopleApi.auditLog({ ...filters, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = log.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Page title={t("admin.audit.title")} description={t("admin.audit.description")} maxWidth={1300}>
      <Group gap="sm" mb="md" align="flex-end">
        <TextInput
          label={t("admin.audit.subjectType")}
          placeholder="conversation"
          value={subjectType}
          onChange={(e) => setSubjectType(e.currentTarget.value)}
          w={200}
          dir="ltr"
        />
        <NumberInput
          label={t("admin.audit.subjectId")}
          value={subjectId ?? ""}
          onChange={(value) => setSubjectId(typeof value === "number" ? value : undefined)}
          min={1}
          w={140}
          allowDecimal={false}
        />
      </Group>
      {log.data && items.length === 0 ? (
        <EmptyState icon={IconHistory} title={t("admin.audit.empty")} />
      ) : (
        <Paper withBorder radius="lg">
          <Table.ScrollContainer minWidth={860}>
            <Table verticalSpacing="xs" horizontalSpacing="md" striped fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={170}>{t("admin.audit.when")}</Table.Th>
                  <Table.Th w={150}>{t("admin.audit.who")}</Table.Th>
                  <Table.Th w={200}>{t("admin.audit.what")}</Table.Th>
                  <Table.Th w={150}>{t("admin.audit.subject")}</Table.Th>
                  <Table.Th>{t("admin.audit.change")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((event) => (
                  <Table.Tr key={event.id} data-testid="audit-row">
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {formatDateTime(event.createdAt, language)}
                    </Table.Td>
                    <Table.Td>{event.actorName ?? t("events.system")}</Table.Td>
                    <Table.Td>
                      <Code>{event.type}</Code>
                    </Table.Td>
                    <Table.Td>
                      {event.subjectType === "conversation" && event.subjectId !== null ? (
                        <Anchor component={Link} to={`/conversations/${event.subjectId}`} fz="sm">
                          <bdi>
                            {event.subjectType} #{event.subjectId}
                          </bdi>
                        </Anchor>
                      ) : (
                        <bdi>
                          {event.subjectType}
                          {event.subjectId !== null ? ` #${event.subjectId}` : ""}
                        </bdi>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text fz="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                        <bdi>
                          {compact(event.before)} → {compact(event.after)}
                        </bdi>
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {log.hasNextPage ? (
        <Center mt="md">
          <Button variant="default" onClick={() => log.fetchNextPage()} loading={log.isFetchingNextPage}>
            {t("common.loadMore")}
          </Button>
        </Center>
      ) : null}
    </Page>
  );
}
