import type { Principal } from "../../platform/auth";
import type { Actor } from "../../platform/events";
import { requireMember } from "../../platform/policy";

/** What can be done with notifications. */
export type NotificationAction = "read" | "mark";

/**
 * Every signed-in user reads and marks their own notifications; the queries
 * are scoped to the caller, so another user's notification is a 404.
 */
export function authorizeNotifications(principal: Principal, _action: NotificationAction): void {
  requireMember(principal);
}

/** The actor of a principal's request, always a user here. */
export function actorOf(principal: Principal): Actor & { userId: number } {
  return { accountId: principal.accountId, userId: principal.userId, tokenId: principal.tokenId };
}
