import type { Principal } from "../../platform/auth";
import { requireMember, requireRole } from "../../platform/policy";

/** Everyone in the account sees who is online and how loaded they are (to hand work over). */
export function canReadRouting(principal: Principal): void {
  requireMember(principal);
}

/** Admins and owners turn automatic assignment on or off and set capacities. */
export function canManageRouting(principal: Principal): void {
  requireRole(principal, "admin");
}
