import type { Principal } from "../../platform/auth";
import { requireMember } from "../../platform/policy";

/** Any agent of the account may open the files of its conversations. */
export function canDownloadAttachment(principal: Principal): void {
  requireMember(principal);
}
