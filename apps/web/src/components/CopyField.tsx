import { ActionIcon, CopyButton, Group, TextInput, type TextInputProps, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

/**
 * A read-only value (a token, a link, a secret) with a copy button beside it.
 * The value reads left to right in both languages; the button sits outside the
 * field so it never covers the value in right-to-left pages.
 */
export function CopyField({ value, ...props }: { value: string } & Omit<TextInputProps, "value">) {
  const { t } = useTranslation();
  return (
    <Group gap={6} align="flex-end" wrap="nowrap">
      <TextInput
        value={value}
        readOnly
        onFocus={(event) => event.currentTarget.select()}
        style={{ flex: 1, minWidth: 0 }}
        styles={{
          input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 13, direction: "ltr" },
        }}
        {...props}
      />
      <CopyButton value={value} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t("common.copied") : t("common.copy")}>
            <ActionIcon
              variant="default"
              size={36}
              color={copied ? "teal" : "gray"}
              onClick={copy}
              aria-label={t("common.copy")}
              data-testid="copy-button"
            >
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
