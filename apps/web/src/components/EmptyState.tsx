import { Stack, Text, ThemeIcon } from "@mantine/core";
import type { Icon } from "@tabler/icons-react";
import type { ReactNode } from "react";

/** A calm placeholder for an empty list or a missing page. */
export function EmptyState({
  icon: IconComponent,
  title,
  text,
  action,
}: {
  icon: Icon;
  title: string;
  text?: string;
  action?: ReactNode;
}) {
  return (
    <Stack align="center" gap="xs" py={56} px="md" data-testid="empty-state">
      <ThemeIcon size={56} radius="xl" variant="light" color="gray">
        <IconComponent size={28} stroke={1.5} />
      </ThemeIcon>
      <Text fw={600} ta="center">
        {title}
      </Text>
      {text ? (
        <Text fz="sm" c="dimmed" ta="center" maw={360}>
          {text}
        </Text>
      ) : null}
      {action}
    </Stack>
  );
}
