import type { Principal } from "../../platform/auth";
import { requireMember, requireRole } from "../../platform/policy";

/** Anyone signed in may see the teams (to assign conversations to them). */
export function canListTeams(principal: Principal): void {
  requireMember(principal);
}

/** Admins and owners create, change and delete teams. */
export function canManageTeams(principal: Principal): void {
  requireRole(principal, "admin");
}
