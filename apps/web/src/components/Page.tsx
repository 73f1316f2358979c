import { Box, Group, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { usePageTitle } from "./use-page-title";

/** A regular page: title, optional description and actions, then content. */
export function Page({
  title,
  description,
  actions,
  children,
  maxWidth = 1100,
}: {
  title: string;
  description?: string;
  actions?: ReactNode;
  children: ReactNode;
  maxWidth?: number;
}) {
  usePageTitle(title);
  return (
    <Box p={{ base: "md", sm: "xl" }} maw={maxWidth} mx="auto">
      <Group justify="space-between" align="flex-end" mb="lg" gap="sm">
        <Stack gap={4}>
          <Title order={1} fz={{ base: 22, sm: 26 }}>
            {title}
          </Title>
          {description ? (
            <Text c="dimmed" fz="sm">
              {description}
            </Text>
          ) : null}
        </Stack>
        {actions}
      </Group>
      {children}
    </Box>
  );
}
