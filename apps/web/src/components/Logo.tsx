import { Group, Text, ThemeIcon } from "@mantine/core";
import { IconHeadset } from "@tabler/icons-react";

/** The bilingual word mark: "Khidma · خدمة" (only the mark when compact, on phones). */
export function Logo({ size = "md", compact = false }: { size?: "md" | "lg"; compact?: boolean }) {
  const large = size === "lg";
  return (
    <Group gap={8} wrap="nowrap" aria-label="Khidma · خدمة">
      <ThemeIcon
        size={large ? 40 : 32}
        radius="md"
        variant="gradient"
        gradient={{ from: "brand.6", to: "brand.9", deg: 135 }}
      >
        <IconHeadset size={large ? 24 : 19} stroke={1.8} />
      </ThemeIcon>
      {compact ? null : (
        <Text fw={750} fz={large ? 24 : 18} lh={1} style={{ whiteSpace: "nowrap", letterSpacing: "-0.01em" }}>
          Khidma{" "}
          <Text span c="dimmed" fw={400} inherit>
            ·
          </Text>{" "}
          <Text span c="brand.8" inherit lang="ar">
            خدمة
          </Text>
        </Text>
      )}
    </Group>
  );
}
