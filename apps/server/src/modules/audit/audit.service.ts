import type { AuditEvent, Page } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Principal } from "../../platform/auth";
import { decodeCursor, encodeCursor, PAGE_DEFAULT } from "../../platform/pagination";
import { canReadAuditLog } from "./audit.policy";
import { listEvents } from "./audit.repo";

/**
 * A page of the account's audit log, newest first, optionally about one
 * subject (e.g. subjectType=user&subjectId=7).
 */
export async function listAuditEvents(
  ctx: AppContext,
  principal: Principal,
  query: { subjectType?: string; subjectId?: number; cursor?: string; limit?: number },
): Promise<Page<AuditEvent>> {
  canReadAuditLog(principal);
  const limit = query.limit ?? PAGE_DEFAULT;
  const beforeId = query.cursor ? (decodeCursor(query.cursor, ["n"])[0] as number) : undefined;
  const rows = await listEvents(
    ctx.db,
    principal.accountId,
    { subjectType: query.subjectType, subjectId: query.subjectId, beforeId },
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      id: row.id,
      actorUserId: row.actor_user_id,
      actorName: row.actor_name,
      type: row.type,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      before: row.before,
      after: row.after,
      createdAt: row.created_at.toISOString(),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
  };
}
