import type { Principal } from "../../platform/auth";
import { requireRole } from "../../platform/policy";

/** Inboxes hold mailbox credentials: only admins and owners see and change them. */
export function canManageInboxes(principal: Principal): void {
  requireRole(principal, "admin");
}
