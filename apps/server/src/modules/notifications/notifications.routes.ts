import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { actorOf, authorizeNotifications } from "./notifications.policy";
import {
  errorResponses,
  IdParams,
  ListNotificationsQuery,
  NotificationPage,
  NotificationSchema,
  ReadAllResult,
  UnreadCount,
} from "./notifications.schemas";
import {
  listNotifications,
  readAllNotifications,
  readNotification,
  unreadNotificationCount,
} from "./notifications.service";

const tags = ["notifications"];

/** Routes of /notifications: the caller's own mentions and assignments. */
export async function registerNotificationsRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/notifications",
    {
      schema: {
        tags,
        summary: "List my notifications, newest first",
        querystring: ListNotificationsQuery,
        response: { 200: NotificationPage, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeNotifications(principal, "read");
      return listNotifications(api.ctx, actorOf(principal), request.query);
    },
  );

  r.get(
    "/notifications/unread-count",
    {
      schema: {
        tags,
        summary: "Count my unread notifications",
        response: { 200: UnreadCount, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeNotifications(principal, "read");
      return unreadNotificationCount(api.ctx, actorOf(principal));
    },
  );

  r.post(
    "/notifications/:id/read",
    {
      schema: {
        tags,
        summary: "Mark one of my notifications read",
        params: IdParams,
        response: { 200: NotificationSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeNotifications(principal, "mark");
      return readNotification(api.ctx, actorOf(principal), request.params.id);
    },
  );

  r.post(
    "/notifications/read-all",
    {
      schema: {
        tags,
        summary: "Mark all my notifications read",
        response: { 200: ReadAllResult, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeNotifications(principal, "mark");
      return readAllNotifications(api.ctx, actorOf(principal));
    },
  );
}
