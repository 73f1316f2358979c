import type { Role } from "@khidma/contracts";
import type { Principal } from "../../platform/auth";
import { allow, requireRole } from "../../platform/policy";

/** Admins and owners see, send and revoke invitations. */
export function canManageInvitations(principal: Principal): void {
  requireRole(principal, "admin");
}

/** Only an owner may invite another owner. */
export function canInviteAs(principal: Principal, role: Role): void {
  canManageInvitations(principal);
  if (role === "owner") allow(principal.role === "owner");
}
