import type { ConversationStatus, Priority } from "@khidma/contracts";
import {
  type Icon,
  IconArchive,
  IconCircleCheck,
  IconCircleDot,
  IconClockHour4,
  IconMessageCircle,
  IconPlayerPause,
} from "@tabler/icons-react";

/** Colour and icon of each conversation status, used by badges and the sidebar. */
export const STATUS_META: Record<ConversationStatus, { color: string; icon: Icon }> = {
  new: { color: "blue", icon: IconCircleDot },
  open: { color: "teal", icon: IconMessageCircle },
  pending: { color: "yellow", icon: IconClockHour4 },
  on_hold: { color: "grape", icon: IconPlayerPause },
  solved: { color: "green", icon: IconCircleCheck },
  closed: { color: "gray", icon: IconArchive },
};

/** Colour of each priority; normal is deliberately quiet. */
export const PRIORITY_COLOR: Record<Priority, string> = {
  low: "gray",
  normal: "blue",
  high: "orange",
  urgent: "red",
};
