import { type Static, Type } from "@sinclair/typebox";
import { nullable, stringEnum } from "../contacts/contacts.schemas";

export { errorResponses, IdParams } from "../contacts/contacts.schemas";

/** A notification as the API returns it. */
export const NotificationSchema = Type.Object({
  id: Type.Integer(),
  kind: stringEnum(["mention", "assigned"] as const),
  conversationId: Type.Integer(),
  conversationNumber: Type.Integer(),
  actorName: nullable(Type.String()),
  readAt: nullable(Type.String({ format: "date-time" })),
  createdAt: Type.String({ format: "date-time" }),
});

/** A page of notifications, newest first. */
export const NotificationPage = Type.Object({
  items: Type.Array(NotificationSchema),
  nextCursor: nullable(Type.String()),
});

/** GET /notifications query. */
export const ListNotificationsQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean({ description: "Only unread notifications" })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type ListNotificationsQuery = Static<typeof ListNotificationsQuery>;

/** POST /notifications/read-all. */
export const ReadAllResult = Type.Object({ updated: Type.Integer() });

/** GET /notifications/unread-count. */
export const UnreadCount = Type.Object({ count: Type.Integer() });
