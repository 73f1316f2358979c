import type { Principal } from "../../platform/auth";
import { requireRole } from "../../platform/policy";

/** Widgets are account settings: admins and owners manage them, and only they see the secrets. */
export function authorizeWidgets(principal: Principal): void {
  requireRole(principal, "admin");
}
