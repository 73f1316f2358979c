import { Box, Center, Group, Paper, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "./LanguageSwitch";
import { Logo } from "./Logo";

/** The frame of the public pages (sign in, accept an invitation). */
export function AuthShell({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Box
      mih="100vh"
      style={{
        background:
          "radial-gradient(circle at 15% 0%, var(--mantine-color-brand-1), transparent 45%), radial-gradient(circle at 100% 100%, var(--mantine-color-blue-0), transparent 40%), var(--mantine-color-gray-0)",
      }}
    >
      <Group justify="flex-end" p="md">
        <LanguageSwitch save={false} />
      </Group>
      <Center px="md" pb="xl">
        <Stack w="100%" maw={420} gap="lg">
          <Center>
            <Logo size="lg" />
          </Center>
          <Paper withBorder shadow="md" radius="lg" p={{ base: "lg", sm: "xl" }}>
            <Stack gap={4} mb="lg">
              <Text fz="xl" fw={700}>
                {title}
              </Text>
              {subtitle ? (
                <Text c="dimmed" fz="sm">
                  {subtitle}
                </Text>
              ) : null}
            </Stack>
            {children}
          </Paper>
          <Text c="dimmed" fz="xs" ta="center">
            {t("app.tagline")}
          </Text>
        </Stack>
      </Center>
    </Box>
  );
}
