import type { Principal } from "../../platform/auth";
import { requireRole } from "../../platform/policy";

/** The audit log is for admins and owners. */
export function canReadAuditLog(principal: Principal): void {
  requireRole(principal, "admin");
}
