import type { ConversationStatus, Priority } from "@khidma/contracts";
import { Badge, type BadgeProps } from "@mantine/core";
import { IconFlag3 } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { PRIORITY_COLOR, STATUS_META } from "./status-meta";

/** A conversation's status as a coloured badge. */
export function StatusBadge({ status, ...props }: { status: ConversationStatus } & BadgeProps) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_META[status].color} variant="light" data-status={status} {...props}>
      {t(`status.${status}`)}
    </Badge>
  );
}

/** A conversation's priority; "normal" stays out of the way unless asked for. */
export function PriorityBadge({
  priority,
  showNormal = false,
  ...props
}: { priority: Priority; showNormal?: boolean } & BadgeProps) {
  const { t } = useTranslation();
  if (priority === "normal" && !showNormal) return null;
  return (
    <Badge
      color={PRIORITY_COLOR[priority]}
      variant={priority === "urgent" ? "filled" : "light"}
      leftSection={<IconFlag3 size={12} />}
      data-priority={priority}
      {...props}
    >
      {t(`priority.${priority}`)}
    </Badge>
  );
}

/** A tag chip. */
export function TagBadge({ tag, ...props }: { tag: string } & BadgeProps) {
  return (
    <Badge variant="outline" color="gray" tt="none" fw={500} {...props}>
      <bdi>#{tag}</bdi>
    </Badge>
  );
}
