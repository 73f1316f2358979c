import type { Attachment, Message } from "@khidma/contracts";
import { Anchor, Box, Button, Collapse, Group, Image, Stack, Text } from "@mantine/core";
import { IconChevronDown, IconPaperclip } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { EmailBody } from "./EmailBody";

function sizeText(bytes: number, lang: string): string {
  const units = lang === "ar" ? ["بايت", "ك.ب", "م.ب"] : ["B", "KB", "MB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: unit ? 1 : 0 }).format(value)} ${units[unit]}`;
}

/** Files of a message: images as thumbnails, everything as a download link. */
function Attachments({ items, hasHtml }: { items: Attachment[]; hasHtml: boolean }) {
  const { t, i18n } = useTranslation();
  // Inline images already show inside the HTML; thumbnails are for the others.
  const images = items.filter((a) => a.contentType.startsWith("image/") && !(hasHtml && a.inline));
  return (
    <Stack gap={6} mt="xs" data-testid="attachments">
      {images.length ? (
        <Group gap={6}>
          {images.map((a) => (
            <Anchor key={a.id} href={a.url} target="_blank" rel="noopener">
              <Image src={a.url} alt={a.filename} h={72} w="auto" fit="contain" radius="sm" />
            </Anchor>
          ))}
        </Group>
      ) : null}
      <Group gap="xs" wrap="wrap">
        {items.map((a) => (
          <Anchor
            key={a.id}
            href={a.url}
            download={a.filename}
            fz="xs"
            data-testid="attachment-link"
            aria-label={t("email.download", { name: a.filename })}
          >
            <Group gap={4} wrap="nowrap">
              <IconPaperclip size={13} />
              <bdi>{a.filename}</bdi>
              <Text span fz="xs" c="dimmed">
                ({sizeText(a.size, i18n.language)})
              </Text>
            </Group>
          </Anchor>
        ))}
      </Group>
    </Stack>
  );
}

/** The body of an email message: its sanitised HTML (or text), the collapsible quoted part, its files. */
export function EmailParts({ message, fallback }: { message: Message; fallback: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const [quoted, setQuoted] = useState(false);
  const hasQuote = Boolean(message.quotedHtml || message.quotedText);
  return (
    <Box>
      {message.html ? <EmailBody html={message.html} lang={i18n.language} /> : fallback}
      {hasQuote ? (
        <Box mt={6}>
          <Button
            size="compact-xs"
            variant="subtle"
            color="gray"
            onClick={() => setQuoted((v) => !v)}
            aria-expanded={quoted}
            rightSection={
              <IconChevronDown size={12} style={{ transform: quoted ? "rotate(180deg)" : undefined }} />
            }
            data-testid="quoted-toggle"
          >
            {quoted ? t("email.quoted.hide") : t("email.quoted.show")}
          </Button>
          <Collapse in={quoted}>
            <Box mt={4} data-testid="quoted-part">
              {quoted && message.quotedHtml ? (
                <EmailBody html={message.quotedHtml} lang={i18n.language} testId="quoted-html" />
              ) : (
                <Text fz="xs" c="dimmed" dir="auto" style={{ whiteSpace: "pre-wrap" }}>
                  {message.quotedText}
                </Text>
              )}
            </Box>
          </Collapse>
        </Box>
      ) : null}
      {message.attachments?.length ? (
        <Attachments items={message.attachments} hasHtml={Boolean(message.html)} />
      ) : null}
    </Box>
  );
}
