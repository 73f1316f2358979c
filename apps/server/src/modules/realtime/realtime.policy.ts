import type { Principal } from "../../platform/auth";
import { requireMember } from "../../platform/policy";

/** Every signed-in agent may hold a live socket, see who is present and set their own presence. */
export function canUseRealtime(principal: Principal): void {
  requireMember(principal);
}
