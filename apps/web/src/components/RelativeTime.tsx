import { Text, type TextProps, Tooltip } from "@mantine/core";
import { useInterval } from "@mantine/hooks";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime, formatRelative } from "../i18n/format";
import { asLanguage } from "../i18n/i18n";

/** "5 min ago" in the UI language, refreshed every minute, with the full date on hover. */
export function RelativeTime({ iso, ...props }: { iso: string } & TextProps) {
  const { i18n } = useTranslation();
  const language = asLanguage(i18n.language);
  const [now, setNow] = useState(Date.now());
  const interval = useInterval(() => setNow(Date.now()), 60_000);

  // biome-ignore lint/correctness/useExhaustiveDependencies: start once, stop on unmount
  useEffect(() => {
    interval.start();
    return interval.stop;
  }, []);

  return (
    <Tooltip label={formatDateTime(iso, language)}>
      <Text component="time" dateTime={iso} fz="xs" c="dimmed" style={{ whiteSpace: "nowrap" }} {...props}>
        {formatRelative(iso, language, now)}
      </Text>
    </Tooltip>
  );
}
