import { Alert, Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { peopleApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { CopyField } from "../../components/CopyField";

/** Creates an API token and shows its secret once. */
export function CreateTokenModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [token, setToken] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: () => peopleApi.createApiToken(name.trim()),
    onSuccess: async (result) => {
      setToken(result.token);
      await queryClient.invalidateQueries({ queryKey: queryKeys.apiTokens });
    },
  });

  const close = () => {
    setName("");
    setToken(null);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={t("admin.tokens.createTitle")} centered size="lg">
      {token ? (
        <Stack>
          <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
            {t("admin.tokens.once")}
          </Alert>
          <CopyField label={t("admin.tokens.token")} value={token} data-testid="token-value" />
          <Group justify="flex-end">
            <Button onClick={close}>{t("common.done")}</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (name.trim()) create.mutate();
          }}
        >
          <Stack>
            <TextInput
              label={t("admin.tokens.name")}
              placeholder={t("admin.tokens.namePlaceholder")}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              data-testid="token-name"
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t("common.cancel")}
              </Button>
              <Button
                type="submit"
                loading={create.isPending}
                disabled={!name.trim()}
                data-testid="token-create"
              >
                {t("admin.tokens.create")}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
