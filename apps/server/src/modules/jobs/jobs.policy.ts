import type { Principal } from "../../platform/auth";
import { requireRole } from "../../platform/policy";

/** Background jobs (and their failures) are for admins and owners. */
export function canReadJobs(principal: Principal): void {
  requireRole(principal, "admin");
}
