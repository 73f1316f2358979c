import type { Principal } from "../../platform/auth";
import { allow, requireMember } from "../../platform/policy";

/** Every signed-in user reads and changes their own profile and ends their own sessions. */
export function canManageSelf(principal: Principal): void {
  requireMember(principal);
}

/**
 * How a user signs in — the password and two-factor settings — changes only
 * from a signed-in browser session. An API token is a credential for
 * integrations: one that leaked must not be able to turn two-factor sign-in
 * on with the holder's own app and lock the user out.
 */
export function canChangeSignIn(principal: Principal): void {
  requireMember(principal);
  allow(principal.via === "session");
}
