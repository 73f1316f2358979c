import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { clearSessionCookie, principalOf, setSessionCookie } from "../../platform/auth";
import { canChangeSignIn, canManageSelf } from "./auth.policy";
import {
  LoginBody,
  MeReplySchema,
  SessionReplySchema,
  TotpDisableBody,
  TotpEnableBody,
  TotpSetupReply,
  UpdateMeBody,
  UserReplySchema,
} from "./auth.schemas";
import {
  disableTotp,
  enableTotp,
  loadMe,
  signIn,
  signOut,
  signOutEverywhere,
  startTotpSetup,
  updateMe,
} from "./auth.service";
import { clientOf } from "./client-info";
import { registerRateLimited } from "./public-rate-limit";

const tags = ["auth"];
const NoContent = { 204: Type.Null() };

/** Sign-in, sign-out, the signed-in user's profile and two-factor settings. */
export async function registerAuthRoutes(api: FastifyInstance): Promise<void> {
  await registerRateLimited(api, (scope) => {
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      "/auth/login",
      {
        config: { public: true },
        schema: {
          tags,
          summary: "Sign in with email and password (and a TOTP code when 2FA is on)",
          description:
            "Sets the HttpOnly session cookie and returns the CSRF token to send in X-CSRF-Token on writes. " +
            "401 invalid_credentials, totp_required or invalid_totp (a wrong code, or one already used: " +
            "each code signs in once); 429 too_many_requests after repeated failures.",
          security: [],
          body: LoginBody,
          response: { 200: SessionReplySchema },
        },
      },
      async (request, reply) => {
        const { user, session } = await signIn(request.server.ctx, request.body, clientOf(request));
        setSessionCookie(request, reply, session.token, session.expiresAt);
        return { user, csrfToken: session.csrfToken };
      },
    );
  });

  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    "/auth/logout",
    { schema: { tags, summary: "End this session", response: NoContent } },
    async (request, reply) => {
      const principal = principalOf(request);
      canManageSelf(principal);
      await signOut(api.ctx, principal);
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  r.post(
    "/auth/logout-all",
    { schema: { tags, summary: "End every session of the signed-in user", response: NoContent } },
    async (request, reply) => {
      const principal = principalOf(request);
      canManageSelf(principal);
      await signOutEverywhere(api.ctx, principal);
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  r.get(
    "/auth/me",
    { schema: { tags, summary: "The signed-in user", response: { 200: MeReplySchema } } },
    async (request) => {
      const principal = principalOf(request);
      canManageSelf(principal);
      return {
        user: await loadMe(api.ctx.db, principal.accountId, principal.userId),
        csrfToken: principal.csrfToken,
      };
    },
  );

  r.patch(
    "/auth/me",
    {
      schema: {
        tags,
        summary: "Change your name, language or password",
        description:
          "A new password needs currentPassword and ends your other sessions; it can be set only from a " +
          "signed-in browser session, not with an API token (403).",
        body: UpdateMeBody,
        response: { 200: MeReplySchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      canManageSelf(principal);
      if (request.body.newPassword !== undefined) canChangeSignIn(principal);
      const user = await updateMe(api.ctx, principal, request.body, clientOf(request));
      return { user, csrfToken: principal.csrfToken };
    },
  );

  r.post(
    "/auth/totp/setup",
    {
      config: { secretResponse: true },
      schema: {
        tags,
        summary: "Start two-factor setup: a new secret to add to an authenticator app",
        description:
          "Two-factor settings change only from a signed-in browser session (403 with an API token).",
        response: { 200: TotpSetupReply },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      canChangeSignIn(principal);
      return startTotpSetup(api.ctx, principal);
    },
  );

  r.post(
    "/auth/totp/enable",
    {
      schema: {
        tags,
        summary: "Turn two-factor sign-in on with a code from the app",
        description: "The code used here cannot then sign in; each code is accepted once.",
        body: TotpEnableBody,
        response: { 200: UserReplySchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      canChangeSignIn(principal);
      return { user: await enableTotp(api.ctx, principal, request.body.code) };
    },
  );

  r.post(
    "/auth/totp/disable",
    {
      schema: {
        tags,
        summary: "Turn two-factor sign-in off (needs the password)",
        body: TotpDisableBody,
        response: { 200: UserReplySchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      canChangeSignIn(principal);
      return { user: await disableTotp(api.ctx, principal, request.body.password, clientOf(request)) };
    },
  );
}
