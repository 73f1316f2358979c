import { Text, type TextProps, useDirection } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * Text written by people (subjects, previews, names) in either language: it
 * takes its own direction, so punctuation and truncation fall on the right
 * side, while it stays aligned with the interface.
 */
export function UserText({
  children,
  ...props
}: TextProps & { children: ReactNode; "data-testid"?: string }) {
  const { dir } = useDirection();
  return (
    <Text dir="auto" ta={dir === "rtl" ? "right" : "left"} {...props}>
      {children}
    </Text>
  );
}
