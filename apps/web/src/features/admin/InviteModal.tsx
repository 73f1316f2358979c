import { ROLES, type Role } from "@khidma/contracts";
import { Alert, Button, Group, Modal, Select, Stack, TextInput } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { peopleApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { CopyField } from "../../components/CopyField";
import { useMe } from "../auth/session";

/** Invites a person by email; the invitation link is shown once, to be passed on. */
export function InviteModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [url, setUrl] = useState<string | null>(null);

  const invite = useMutation({
    mutationFn: () =>
      peopleApi.invite({ email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) }),
    onSuccess: async (result) => {
      setUrl(new URL(result.url, window.location.origin).toString());
      await queryClient.invalidateQueries({ queryKey: queryKeys.invitations });
    },
  });

  const close = () => {
    setEmail("");
    setName("");
    setRole("agent");
    setUrl(null);
    onClose();
  };
  // Only an owner may make another owner.
  const roles = ROLES.filter((r) => r !== "owner" || me.role === "owner");

  return (
    <Modal opened={opened} onClose={close} title={t("admin.users.inviteTitle")} centered size="lg">
      {url ? (
        <Stack>
          <Alert color="yellow" icon={<IconInfoCircle size={18} />}>
            {t("admin.users.inviteOnce")}
          </Alert>
          <CopyField label={t("admin.users.inviteUrl")} value={url} data-testid="invite-url" />
          <Group justify="flex-end">
            <Button onClick={close}>{t("common.done")}</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (email.trim()) invite.mutate();
          }}
        >
          <Stack>
            <TextInput
              label={t("login.email")}
              type="email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              dir="ltr"
              required
              data-testid="invite-email"
            />
            <TextInput
              label={t("admin.users.nameOptional")}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <Select
              label={t("admin.users.role")}
              data={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
              value={role}
              allowDeselect={false}
              onChange={(value) => value && setRole(value as Role)}
              data-testid="invite-role"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t("common.cancel")}
              </Button>
              <Button
                type="submit"
                loading={invite.isPending}
                disabled={!email.trim()}
                data-testid="invite-send"
              >
                {t("admin.users.createInvite")}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
