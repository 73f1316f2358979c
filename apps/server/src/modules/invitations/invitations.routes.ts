import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { principalOf, setSessionCookie } from "../../platform/auth";
import { clientOf } from "../auth/client-info";
import { registerRateLimited } from "../auth/public-rate-limit";
import { IdParams } from "../users/users.schemas";
import {
  AcceptInvitationBody,
  AcceptInvitationReply,
  CreateInvitationBody,
  CreateInvitationReply,
  InvitationListReply,
  LookupParams,
  LookupReply,
} from "./invitations.schemas";
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  lookupInvitation,
  revokeInvitation,
} from "./invitations.service";

const tags = ["invitations"];

/** Invitations: admins invite by email; the invitee looks the link up and accepts it without signing in. */
export async function registerInvitationsRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/invitations",
    {
      schema: { tags, summary: "The account's invitations (admin+)", response: { 200: InvitationListReply } },
    },
    async (request) => ({ items: await listInvitations(api.ctx, principalOf(request)) }),
  );

  r.post(
    "/invitations",
    {
      config: { secretResponse: true },
      schema: {
        tags,
        summary: "Invite someone by email (admin+; owners only by an owner)",
        description:
          "The url (/invite/<token>) is shown only in this answer; the invitation expires in 7 days. " +
          "409 conflict when the email already has a user. Idempotency-Key is ignored here: the answer " +
          "holds the link's token, which is never stored.",
        body: CreateInvitationBody,
        response: { 201: CreateInvitationReply },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createInvitation(api.ctx, principalOf(request), request.body)),
  );

  r.delete(
    "/invitations/:id",
    {
      schema: {
        tags,
        summary: "Revoke an invitation (admin+)",
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await revokeInvitation(api.ctx, principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  await registerRateLimited(api, (scope) => {
    const pub = scope.withTypeProvider<TypeBoxTypeProvider>();

    pub.get(
      "/invitations/lookup/:token",
      {
        config: { public: true },
        schema: {
          tags,
          summary: "What an invitation offers (no sign-in needed)",
          description: "410 invitation_invalid when the invitation was accepted, revoked or has expired.",
          security: [],
          params: LookupParams,
          response: { 200: LookupReply },
        },
      },
      async (request) => lookupInvitation(api.ctx, request.params.token),
    );

    pub.post(
      "/invitations/accept",
      {
        config: { public: true },
        schema: {
          tags,
          summary: "Accept an invitation: creates the user and signs them in (no sign-in needed)",
          description:
            "Sets the session cookie. 410 invitation_invalid when the invitation was accepted, revoked or " +
            "has expired; 409 conflict when the email already has a user.",
          security: [],
          body: AcceptInvitationBody,
          response: { 201: AcceptInvitationReply },
        },
      },
      async (request, reply) => {
        const { user, session } = await acceptInvitation(api.ctx, request.body, clientOf(request));
        setSessionCookie(request, reply, session.token, session.expiresAt);
        return reply.code(201).send({ user, csrfToken: session.csrfToken });
      },
    );
  });
}
