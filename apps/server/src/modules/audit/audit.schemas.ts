import { Type } from "@sinclair/typebox";
import { PAGE_DEFAULT, PAGE_MAX } from "../../platform/pagination";

/** One change in the audit log (contracts: AuditEvent). */
export const AuditEventSchema = Type.Object({
  id: Type.Integer(),
  actorUserId: Type.Union([Type.Integer(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  type: Type.String(),
  subjectType: Type.String(),
  subjectId: Type.Union([Type.Integer(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  createdAt: Type.String({ format: "date-time" }),
});

/** GET /events. */
export const EventsQuery = Type.Object(
  {
    subjectType: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    subjectId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_MAX, default: PAGE_DEFAULT })),
  },
  { additionalProperties: false },
);

/** A page of events, newest first. */
export const EventPageReply = Type.Object({
  items: Type.Array(AuditEventSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
