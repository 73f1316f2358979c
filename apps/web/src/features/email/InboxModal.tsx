import type { Inbox, InboxImap, InboxSmtp } from "@khidma/contracts";
import {
  Button,
  Fieldset,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { notifySuccess } from "../../components/notify";
import { emailApi, emailKeys, type InboxInput, type ServerSettingsInput } from "./email-api";

interface ServerForm {
  host: string;
  port: number | string;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
}

function serverForm(s: InboxSmtp | InboxImap | null, port: number): ServerForm {
  return {
    host: s?.host ?? "",
    port: s?.port ?? port,
    secure: s?.secure ?? port === 465,
    user: s?.user ?? "",
    password: "",
    mailbox: (s && "mailbox" in s ? s.mailbox : null) ?? "INBOX",
  };
}

// An empty host means "no server". An empty password keeps the stored one:
// passwords are write-only and never come back from the API.
function serverInput(f: ServerForm, imap: boolean): ServerSettingsInput | null {
  if (!f.host.trim()) return null;
  return {
    host: f.host.trim(),
    port: Number(f.port),
    secure: f.secure,
    ...(imap ? { user: f.user.trim() } : { user: f.user.trim() || null }),
    ...(f.password ? { password: f.password } : {}),
    ...(imap ? { mailbox: f.mailbox.trim() || "INBOX" } : {}),
  };
}

function ServerFields({
  prefix,
  value,
  onChange,
  hasPassword,
  withMailbox,
}: {
  prefix: "smtp" | "imap";
  value: ServerForm;
  onChange: (next: ServerForm) => void;
  hasPassword: boolean;
  withMailbox: boolean;
}) {
  const { t } = useTranslation();
  const set = (patch: Partial<ServerForm>) => onChange({ ...value, ...patch });
  return (
    <Stack gap="xs">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
        <TextInput
          label={t("email.admin.host")}
          value={value.host}
          onChange={(e) => set({ host: e.currentTarget.value })}
          dir="ltr"
          style={{ gridColumn: "span 2" }}
          data-testid={`${prefix}-host`}
        />
        <NumberInput
          label={t("email.admin.port")}
          value={value.port}
          onChange={(port) => set({ port })}
          min={1}
          max={65535}
          dir="ltr"
          data-testid={`${prefix}-port`}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <TextInput
          label={t("email.admin.user")}
          value={value.user}
          onChange={(e) => set({ user: e.currentTarget.value })}
          dir="ltr"
          autoComplete="off"
          data-testid={`${prefix}-user`}
        />
        <PasswordInput
          label={t("email.admin.password")}
          placeholder={hasPassword ? t("email.admin.passwordKept") : ""}
          value={value.password}
          onChange={(e) => set({ password: e.currentTarget.value })}
          autoComplete="new-password"
          dir="ltr"
          data-testid={`${prefix}-password`}
        />
      </SimpleGrid>
      <Group gap="lg">
        <Switch
          label={t("email.admin.tls")}
          checked={value.secure}
          onChange={(e) => set({ secure: e.currentTarget.checked })}
          data-testid={`${prefix}-secure`}
        />
        {withMailbox ? (
          <TextInput
            label={t("email.admin.mailbox")}
            value={value.mailbox}
            onChange={(e) => set({ mailbox: e.currentTarget.value })}
            dir="ltr"
            size="xs"
          />
        ) : null}
      </Group>
    </Stack>
  );
}

/** Creates an email inbox, or edits one: name, address, signature, acknowledgement, SMTP and IMAP. */
export function InboxModal({
  inbox,
  opened,
  onClose,
}: {
  inbox: Inbox | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState(inbox?.name ?? "");
  const [address, setAddress] = useState(inbox?.address ?? "");
  const [signature, setSignature] = useState(inbox?.signature ?? "");
  const [autoAck, setAutoAck] = useState(inbox?.autoAck ?? false);
  const [smtp, setSmtp] = useState(serverForm(inbox?.smtp ?? null, 587));
  const [imap, setImap] = useState(serverForm(inbox?.imap ?? null, 993));

  const save = useMutation({
    mutationFn: () => {
      const body: InboxInput = {
        name: name.trim(),
        address: address.trim().toLowerCase(),
        signature: signature.trim() ? signature : null,
        autoAck,
        smtp: serverInput(smtp, false),
        imap: serverInput(imap, true),
      };
      return inbox
        ? emailApi.updateInbox(inbox.id, body)
        : emailApi.createInbox({ ...body, channel: "email", name: name.trim(), address: body.address ?? "" });
    },
    onSuccess: async () => {
      notifySuccess(inbox ? t("email.admin.saved") : t("email.admin.created"));
      await queryClient.invalidateQueries({ queryKey: emailKeys.inboxes });
      onClose();
    },
  });

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={inbox ? t("email.admin.editTitle") : t("email.admin.createTitle")}
      size="lg"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput
              label={t("email.admin.name")}
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              data-testid="inbox-name"
            />
            <TextInput
              label={t("email.admin.address")}
              description={t("email.admin.addressHint")}
              required
              type="email"
              dir="ltr"
              value={address}
              onChange={(e) => setAddress(e.currentTarget.value)}
              data-testid="inbox-address"
            />
          </SimpleGrid>
          <Textarea
            label={t("email.admin.signature")}
            description={t("email.admin.signatureHint")}
            autosize
            minRows={2}
            maxRows={6}
            dir="auto"
            value={signature}
            onChange={(e) => setSignature(e.currentTarget.value)}
            data-testid="inbox-signature"
          />
          <Switch
            label={t("email.admin.autoAck")}
            description={t("email.admin.autoAckHint")}
            checked={autoAck}
            onChange={(e) => setAutoAck(e.currentTarget.checked)}
            data-testid="inbox-auto-ack"
          />
          <Fieldset legend={t("email.admin.smtp")} variant="filled">
            <ServerFields
              prefix="smtp"
              value={smtp}
              onChange={setSmtp}
              hasPassword={inbox?.smtp?.hasPassword ?? false}
              withMailbox={false}
            />
          </Fieldset>
          <Fieldset legend={t("email.admin.imap")} variant="filled">
            <ServerFields
              prefix="imap"
              value={imap}
              onChange={setImap}
              hasPassword={inbox?.imap?.hasPassword ?? false}
              withMailbox
            />
          </Fieldset>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button
              type="submit"
              loading={save.isPending}
              disabled={!name.trim() || !address.trim()}
              data-testid="inbox-save"
            >
              {t("email.admin.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
