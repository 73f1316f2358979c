import type { Message } from "@khidma/contracts";
import { Badge, Button, Group, Text, Tooltip } from "@mantine/core";
import { IconAlertTriangle, IconCheck, IconClock, IconRefresh } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { queryKeys } from "../../api/query-keys";
import { notifySuccess } from "../../components/notify";
import { useFallbackInterval } from "../../realtime/LiveProvider";
import { emailApi } from "./email-api";

// Delivery changes are made by the worker, not by a request of this page:
// they arrive live (message.delivery); while the live socket is down and an
// email waits, the messages are read again now and then.
const POLL_MS = 4000;

// Reasons the server gives in its own words are codes; SMTP answers are shown as they came.
const REASON_CODES = ["no_smtp_settings", "no_recipient", "inbox_disabled"] as const;
type ReasonCode = (typeof REASON_CODES)[number];
const isReasonCode = (value: string): value is ReasonCode =>
  (REASON_CODES as readonly string[]).includes(value);

/** The delivery state of an outgoing email: queued, sent, or failed with its reason and a Retry button. */
export function DeliveryState({ message }: { message: Message }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const state = message.deliveryState;
  const retry = useMutation({
    mutationFn: () => emailApi.retry(message.conversationId, message.id),
    onSuccess: async () => {
      notifySuccess(t("email.delivery.retried"));
      await queryClient.invalidateQueries({ queryKey: queryKeys.messages(message.conversationId) });
    },
  });

  const poll = useFallbackInterval(POLL_MS);
  useEffect(() => {
    if (state !== "queued" || poll === false) return;
    const timer = setInterval(() => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.messages(message.conversationId) });
    }, poll);
    return () => clearInterval(timer);
  }, [state, poll, message.conversationId, queryClient]);

  if (!state) return null;
  const raw = message.deliveryError ?? "";
  const reason = isReasonCode(raw) ? t(`email.reasons.${raw}`) : raw;
  const badge =
    state === "sent" ? (
      <Badge size="sm" variant="light" color="green" leftSection={<IconCheck size={12} />}>
        {t("email.delivery.sent")}
      </Badge>
    ) : state === "queued" ? (
      <Tooltip label={reason || t("email.delivery.queuedHint")} multiline maw={320}>
        <Badge size="sm" variant="light" color="gray" leftSection={<IconClock size={12} />}>
          {t("email.delivery.queued")}
        </Badge>
      </Tooltip>
    ) : (
      <Badge size="sm" variant="light" color="red" leftSection={<IconAlertTriangle size={12} />}>
        {t("email.delivery.failed")}
      </Badge>
    );

  return (
    <Group gap={6} justify="flex-end" mt={4} wrap="wrap" data-testid="delivery-state" data-state={state}>
      {badge}
      {state === "failed" ? (
        <>
          <Text
            fz="xs"
            c="red.8"
            dir="auto"
            data-testid="delivery-error"
            style={{ overflowWrap: "anywhere" }}
          >
            {reason}
          </Text>
          <Button
            size="compact-xs"
            variant="light"
            color="red"
            leftSection={<IconRefresh size={12} />}
            loading={retry.isPending}
            onClick={() => retry.mutate()}
            data-testid="delivery-retry"
          >
            {t("email.delivery.retry")}
          </Button>
        </>
      ) : null}
    </Group>
  );
}
