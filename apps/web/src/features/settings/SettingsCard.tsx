import { Paper, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

/** One section of the settings page. */
export function SettingsCard({
  title,
  description,
  children,
  testId,
}: {
  title: string;
  description?: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <Paper withBorder radius="lg" p={{ base: "md", sm: "lg" }} data-testid={testId}>
      <Stack gap={2} mb="md">
        <Text fw={700}>{title}</Text>
        {description ? (
          <Text fz="sm" c="dimmed">
            {description}
          </Text>
        ) : null}
      </Stack>
      {children}
    </Paper>
  );
}
