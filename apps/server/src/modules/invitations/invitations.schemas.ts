import { INVITATION_STATUSES } from "@khidma/contracts";
import { Type } from "@sinclair/typebox";
import { NewPasswordSchema, RoleSchema, SessionReplySchema } from "../auth/auth.schemas";

const Timestamp = Type.String({ format: "date-time" });

/** An invitation as admins see it; its token is never shown again (contracts: Invitation). */
export const InvitationSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  status: Type.Union(INVITATION_STATUSES.map((s) => Type.Literal(s))),
  invitedBy: Type.Union([Type.Integer(), Type.Null()]),
  expiresAt: Timestamp,
  acceptedAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
});

/** GET /invitations. */
export const InvitationListReply = Type.Object({ items: Type.Array(InvitationSchema) });

/** POST /invitations. */
export const CreateInvitationBody = Type.Object(
  {
    email: Type.String({ format: "email", maxLength: 320 }),
    role: RoleSchema,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" })),
  },
  { additionalProperties: false },
);

/** The new invitation and its link, shown this once. */
export const CreateInvitationReply = Type.Object({
  invitation: InvitationSchema,
  url: Type.String({ description: "/invite/<token>; the token is shown only in this answer" }),
});

const InvitationToken = Type.String({ minLength: 1, maxLength: 200 });

/** GET /invitations/lookup/{token}. */
export const LookupParams = Type.Object({ token: InvitationToken });

/** What the invitee sees before accepting. */
export const LookupReply = Type.Object({
  email: Type.String(),
  role: RoleSchema,
  accountName: Type.String(),
  name: Type.Union([Type.String(), Type.Null()], { description: "the name the inviter suggested" }),
});

/** POST /invitations/accept. */
export const AcceptInvitationBody = Type.Object(
  {
    token: InvitationToken,
    name: Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" }),
    password: NewPasswordSchema,
  },
  { additionalProperties: false },
);

/** The new user, signed in. */
export const AcceptInvitationReply = SessionReplySchema;
