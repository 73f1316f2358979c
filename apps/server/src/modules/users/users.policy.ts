import type { Role } from "@khidma/contracts";
import type { Principal } from "../../platform/auth";
import { allow, requireMember, requireRole } from "../../platform/policy";

/** Anyone signed in may list the account's users (to assign, to mention). */
export function canListUsers(principal: Principal): void {
  requireMember(principal);
}

/** Admins and owners manage users. */
export function canManageUsers(principal: Principal): void {
  requireRole(principal, "admin");
}

/** Only an owner may change an owner or make one, so an admin cannot raise themselves or lock an owner out. */
export function canChangeUser(principal: Principal, target: { role: Role }, newRole: Role | undefined): void {
  if (target.role === "owner" || newRole === "owner") allow(principal.role === "owner");
}
