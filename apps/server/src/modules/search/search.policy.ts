import type { Principal } from "../../platform/auth";
import { allow, atLeast } from "../../platform/policy";

/**
 * Every role may search its own account: agents look up customers and past
 * conversations (internal notes included) while answering. The account scope
 * is enforced by every query of the search repository.
 */
export function authorizeSearch(principal: Principal): void {
  allow(atLeast(principal.role, "agent"));
}
