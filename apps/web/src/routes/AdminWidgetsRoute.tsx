import { Alert, Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { IconMessageChatbot, IconPlus } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CopyField } from "../components/CopyField";
import { EmptyState } from "../components/EmptyState";
import { notifyError } from "../components/notify";
import { Page } from "../components/Page";
import { WidgetCard } from "../features/widgets/WidgetCard";
import { widgetsApi, widgetsKey } from "../features/widgets/widgets-api";

/** /admin/widgets — live-chat widgets: looks, hours, origins, the embed snippet and the identity secret. */
export function AdminWidgetsRoute() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const widgets = useQuery({ queryKey: widgetsKey, queryFn: async () => (await widgetsApi.list()).items });
  const create = useMutation({
    mutationFn: () => widgetsApi.create(name.trim()),
    onSuccess: async (w) => {
      setName("");
      setSecret(w.identitySecret);
      await queryClient.invalidateQueries({ queryKey: widgetsKey });
    },
    onError: notifyError,
  });
  const items = widgets.data ?? [];

  return (
    <Page title={t("widgets.title")} description={t("widgets.description")}>
      <Stack gap="lg">
        <Group align="flex-end">
          <TextInput
            label={t("widgets.newName")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-testid="widget-name"
          />
          <Button
            leftSection={<IconPlus size={16} />}
            disabled={!name.trim()}
            loading={create.isPending}
            onClick={() => create.mutate()}
            data-testid="widget-create"
          >
            {t("widgets.create")}
          </Button>
        </Group>
        {widgets.data && items.length === 0 && (
          <EmptyState icon={IconMessageChatbot} title={t("widgets.empty")} text={t("widgets.emptyHint")} />
        )}
        {items.map((w) => (
          <WidgetCard key={`${w.id}-${w.updatedAt}`} widget={w} onSecret={setSecret} />
        ))}
      </Stack>
      <Modal
        opened={secret !== null}
        onClose={() => setSecret(null)}
        title={t("widgets.secretTitle")}
        size="lg"
      >
        <Stack>
          <Alert color="yellow">{t("widgets.secretOnce")}</Alert>
          <CopyField value={secret ?? ""} label={t("widgets.secret")} data-testid="widget-secret" />
          <Text fz="sm" c="dimmed">
            {t("widgets.secretHint")}
          </Text>
        </Stack>
      </Modal>
    </Page>
  );
}
