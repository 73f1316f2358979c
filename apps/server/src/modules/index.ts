import type { FastifyInstance } from "fastify";
import type { JobDefinition } from "../platform/jobs";
import { registerApiTokensRoutes } from "./api-tokens/api-tokens.routes";
import { registerAuditRoutes } from "./audit/audit.routes";
import { registerAuthRoutes } from "./auth/auth.routes";
import { registerChatRoutes } from "./chat/chat.routes";
import { registerChatAgentRoutes } from "./chat/chat-agent.routes";
import { registerWidgetsRoutes } from "./chat/widgets.routes";
import { registerContactsRoutes } from "./contacts/contacts.routes";
import { registerConversationsRoutes } from "./conversations/conversations.routes";
import { registerAttachmentsRoutes } from "./email/attachments.routes";
import { emailJobs } from "./email/email.jobs";
import { registerOutboundRoutes } from "./email/outbound.routes";
import { registerInboxesRoutes } from "./inboxes/inboxes.routes";
import { registerInvitationsRoutes } from "./invitations/invitations.routes";
import { registerJobsRoutes } from "./jobs/jobs.routes";
import { registerNotificationsRoutes } from "./notifications/notifications.routes";
import { registerRealtimeRoutes } from "./realtime/realtime.routes";
import { registerRoutingRoutes } from "./routing/routing.routes";
import { registerSearchRoutes } from "./search/search.routes";
import { registerTeamsRoutes } from "./teams/teams.routes";
import { registerUsersRoutes } from "./users/users.routes";

/** A module registers its routes on the /api/v1 scope. */
export type ModuleRegistrar = (api: FastifyInstance) => Promise<void>;

/** Every module of the API, in registration order. Add one line per module. */
export const modules: ModuleRegistrar[] = [
  registerAuthRoutes,
  registerUsersRoutes,
  registerInvitationsRoutes,
  registerTeamsRoutes,
  registerApiTokensRoutes,
  registerAuditRoutes,
  registerJobsRoutes,
  registerSearchRoutes,
  registerContactsRoutes,
  registerConversationsRoutes,
  registerOutboundRoutes,
  registerInboxesRoutes,
  registerAttachmentsRoutes,
  registerNotificationsRoutes,
  registerRealtimeRoutes,
  registerRoutingRoutes,
  registerWidgetsRoutes,
  registerChatRoutes,
  registerChatAgentRoutes,
];

/** Every module's background jobs, run by the worker role. Add one entry per module. */
export const jobDefinitions: readonly JobDefinition[] = [...emailJobs];
