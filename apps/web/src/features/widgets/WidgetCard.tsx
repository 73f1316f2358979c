import type { Widget, WidgetFieldRule, WidgetSettings } from "@khidma/contracts";
import {
  Button,
  Chip,
  ColorInput,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CopyField } from "../../components/CopyField";
import { notifyError, notifySuccess } from "../../components/notify";
import { emailApi, emailKeys, inboxList } from "../email/email-api";
import { widgetsApi, widgetsKey } from "./widgets-api";

const DAYS = [0, 1, 2, 3, 4, 5, 6] as const;

/** One widget's settings form, its embed snippet and its identity secret controls. */
export function WidgetCard({ widget, onSecret }: { widget: Widget; onSecret: (secret: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [s, setS] = useState<WidgetSettings>(widget);
  const hours = s.businessHours;
  const first = hours?.days[0];
  const set = (patch: Partial<WidgetSettings>) => setS((prev) => ({ ...prev, ...patch }));
  const setHours = (days: number[], open: string, close: string, timezone: string) =>
    set({ businessHours: { timezone, days: days.map((day) => ({ day, open, close })) } });
  const refresh = () => queryClient.invalidateQueries({ queryKey: widgetsKey });
  const inboxes = inboxList(
    useQuery({ queryKey: emailKeys.inboxes, queryFn: () => emailApi.inboxes() }).data,
  );
  const save = useMutation({
    mutationFn: () => {
      const {
        name,
        color,
        greeting,
        position,
        prechat,
        businessHours,
        offlineMode,
        replyInboxId,
        allowedOrigins,
      } = s;
      return widgetsApi.update(widget.id, {
        name,
        color,
        greeting,
        position,
        prechat,
        businessHours,
        offlineMode,
        replyInboxId,
        allowedOrigins,
      });
    },
    onSuccess: async () => {
      notifySuccess(t("widgets.saved"));
      await refresh();
    },
    onError: notifyError,
  });
  const regenerate = useMutation({
    mutationFn: () => widgetsApi.regenerate(widget.id),
    onSuccess: (w) => onSecret(w.identitySecret),
    onError: notifyError,
  });
  const remove = useMutation({
    mutationFn: () => widgetsApi.remove(widget.id),
    onSuccess: refresh,
    onError: notifyError,
  });
  const rule = (field: "name" | "email" | "phone") => (
    <Select
      label={t(`widgets.field.${field}`)}
      value={s.prechat[field]}
      allowDeselect={false}
      data={(["off", "optional", "required"] as const).map((v) => ({
        value: v,
        label: t(`widgets.rule.${v}`),
      }))}
      onChange={(v) => v && set({ prechat: { ...s.prechat, [field]: v as WidgetFieldRule } })}
    />
  );

  return (
    <Paper withBorder radius="lg" p="lg" data-testid="widget-card">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={3} fz="lg">
            {widget.name}
          </Title>
          <Button variant="subtle" color="red" onClick={() => remove.mutate()} loading={remove.isPending}>
            {t("widgets.delete")}
          </Button>
        </Group>
        <CopyField
          label={t("widgets.snippet")}
          description={t("widgets.snippetHint")}
          value={widget.snippet}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t("widgets.name")}
            value={s.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
          />
          <ColorInput
            label={t("widgets.color")}
            value={s.color}
            format="hex"
            onChange={(color) => set({ color })}
          />
          <Textarea
            label={t("widgets.greetingAr")}
            dir="rtl"
            value={s.greeting.ar}
            onChange={(e) => set({ greeting: { ...s.greeting, ar: e.currentTarget.value } })}
          />
          <Textarea
            label={t("widgets.greetingEn")}
            dir="ltr"
            value={s.greeting.en}
            onChange={(e) => set({ greeting: { ...s.greeting, en: e.currentTarget.value } })}
          />
        </SimpleGrid>
        <Stack gap={4}>
          <Text fz="sm" fw={500}>
            {t("widgets.position")}
          </Text>
          <SegmentedControl
            value={s.position}
            onChange={(v) => set({ position: v as "start" | "end" })}
            data={[
              { value: "start", label: t("widgets.start") },
              { value: "end", label: t("widgets.end") },
            ]}
          />
        </Stack>
        <Text fz="sm" fw={600}>
          {t("widgets.prechat")}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {rule("name")}
          {rule("email")}
          {rule("phone")}
        </SimpleGrid>
        <Switch
          label={t("widgets.hours")}
          checked={hours !== null}
          onChange={(e) =>
            set({
              businessHours: e.currentTarget.checked
                ? {
                    timezone: "Asia/Riyadh",
                    days: [0, 1, 2, 3, 4].map((day) => ({ day, open: "09:00", close: "17:00" })),
                  }
                : null,
            })
          }
        />
        {hours && (
          <Stack gap="xs">
            <Chip.Group
              multiple
              value={hours.days.map((d) => String(d.day))}
              onChange={(v) =>
                setHours(v.map(Number), first?.open ?? "09:00", first?.close ?? "17:00", hours.timezone)
              }
            >
              <Group gap={6}>
                {DAYS.map((d) => (
                  <Chip key={d} value={String(d)} size="xs">
                    {t(`widgets.day.${d}`)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label={t("widgets.timezone")}
                dir="ltr"
                value={hours.timezone}
                onChange={(e) => set({ businessHours: { ...hours, timezone: e.currentTarget.value } })}
              />
              <TextInput
                label={t("widgets.opens")}
                type="time"
                value={first?.open ?? "09:00"}
                onChange={(e) =>
                  setHours(
                    hours.days.map((d) => d.day),
                    e.currentTarget.value,
                    first?.close ?? "17:00",
                    hours.timezone,
                  )
                }
              />
              <TextInput
                label={t("widgets.closes")}
                type="time"
                value={first?.close ?? "17:00"}
                onChange={(e) =>
                  setHours(
                    hours.days.map((d) => d.day),
                    first?.open ?? "09:00",
                    e.currentTarget.value,
                    hours.timezone,
                  )
                }
              />
            </SimpleGrid>
            <Select
              label={t("widgets.offline")}
              value={s.offlineMode}
              allowDeselect={false}
              data={[
                { value: "message", label: t("widgets.offlineMessage") },
                { value: "hidden", label: t("widgets.offlineHidden") },
              ]}
              onChange={(v) => v && set({ offlineMode: v as "message" | "hidden" })}
            />
            {s.offlineMode === "message" && (
              <Select
                label={t("widgets.replyInbox")}
                description={t("widgets.replyInboxHint")}
                value={s.replyInboxId === null ? "" : String(s.replyInboxId)}
                allowDeselect={false}
                data={[
                  { value: "", label: t("widgets.replyInboxFirst") },
                  ...inboxes.map((i) => ({
                    value: String(i.id),
                    label: `${i.name} · \u2066${i.address}\u2069`,
                  })),
                ]}
                onChange={(v) => set({ replyInboxId: v ? Number(v) : null })}
              />
            )}
          </Stack>
        )}
        <Textarea
          label={t("widgets.origins")}
          description={t("widgets.originsHint")}
          dir="ltr"
          autosize
          minRows={2}
          value={s.allowedOrigins.join("\n")}
          onChange={(e) =>
            set({
              allowedOrigins: e.currentTarget.value
                .split("\n")
                .map((o) => o.trim())
                .filter(Boolean),
            })
          }
        />
        <Group justify="space-between">
          <Button variant="default" onClick={() => regenerate.mutate()} loading={regenerate.isPending}>
            {t("widgets.regenerate")}
          </Button>
          <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="widget-save">
            {t("widgets.save")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
