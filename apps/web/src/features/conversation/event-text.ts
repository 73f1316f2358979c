import type { AuditEvent } from "@khidma/contracts";

/** One line of an event in the timeline, as an i18n key with its values. */
export type EventLine =
  | { key: "created" }
  | { key: "status" | "priority" | "type" | "language"; from: string | null; to: string | null }
  | { key: "assigned"; userId: number }
  | { key: "unassigned" }
  | { key: "team"; teamId: number }
  | { key: "teamRemoved" }
  | { key: "tagsAdded" | "tagsRemoved"; tags: string[] }
  | { key: "subject"; to: string }
  | { key: "reason"; reason: string }
  | { key: "other"; type: string };

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** True for events that the timeline already shows as messages. */
export function isMessageEvent(event: AuditEvent): boolean {
  return event.type.startsWith("message") || event.subjectType === "message";
}

/**
 * Reads an event's before/after pair into readable lines: which fields changed
 * and how. Unknown events fall back to their type, so nothing is hidden.
 */
export function describeEvent(event: AuditEvent): EventLine[] {
  const before = record(event.before);
  const after = record(event.after);
  const lines: EventLine[] = [];
  // A creation's "after" is the whole new row, not a change worth listing.
  if (event.type.endsWith("created") && Object.keys(before).length === 0) return [{ key: "created" }];

  for (const field of ["status", "priority", "type", "language"] as const) {
    if (field in after && after[field] !== before[field]) {
      lines.push({ key: field, from: text(before[field]), to: text(after[field]) });
    }
  }
  if ("assigneeId" in after && after.assigneeId !== before.assigneeId) {
    const id = after.assigneeId;
    lines.push(typeof id === "number" ? { key: "assigned", userId: id } : { key: "unassigned" });
  }
  if ("teamId" in after && after.teamId !== before.teamId) {
    const id = after.teamId;
    lines.push(typeof id === "number" ? { key: "team", teamId: id } : { key: "teamRemoved" });
  }
  if ("tags" in after) {
    const old = new Set(strings(before.tags));
    const now = new Set(strings(after.tags));
    const added = [...now].filter((tag) => !old.has(tag));
    const removed = [...old].filter((tag) => !now.has(tag));
    if (added.length) lines.push({ key: "tagsAdded", tags: added });
    if (removed.length) lines.push({ key: "tagsRemoved", tags: removed });
  }
  if (typeof after.subject === "string" && after.subject !== before.subject) {
    lines.push({ key: "subject", to: after.subject });
  }
  if (typeof after.reason === "string" && after.reason.trim())
    lines.push({ key: "reason", reason: after.reason });
  if (lines.length === 0) lines.push({ key: "other", type: event.type });
  return lines;
}
