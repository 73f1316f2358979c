import { LANGUAGES, ROLES } from "@khidma/contracts";
import { Type } from "@sinclair/typebox";

/** One of the roles. */
export const RoleSchema = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: "owner > admin > supervisor > agent" },
);
/** ar or en. */
export const LanguageSchema = Type.Union(LANGUAGES.map((l) => Type.Literal(l)));

/** Passwords: long enough to matter, bounded so hashing stays cheap. */
export const NewPasswordSchema = Type.String({ minLength: 8, maxLength: 200 });

/** The signed-in user (contracts: Me). */
export const MeSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  language: Type.Union([LanguageSchema, Type.Null()]),
  accountId: Type.Integer(),
  accountName: Type.String(),
  totpEnabled: Type.Boolean(),
});

/** A user and the CSRF token to send back in X-CSRF-Token on cookie-authenticated writes. */
export const SessionReplySchema = Type.Object({ user: MeSchema, csrfToken: Type.String() });

/** POST /auth/login. */
export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1000 }),
    totp: Type.Optional(Type.String({ pattern: "^[0-9]{6}$" })),
  },
  { additionalProperties: false },
);

/** GET /auth/me. */
export const MeReplySchema = Type.Object({
  user: MeSchema,
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: "null when the caller uses an API token",
  }),
});

/** PATCH /auth/me: a new password needs the current one. */
export const UpdateMeBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    language: Type.Optional(Type.Union([LanguageSchema, Type.Null()])),
    currentPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    newPassword: Type.Optional(NewPasswordSchema),
  },
  { additionalProperties: false },
);

/** POST /auth/totp/setup. */
export const TotpSetupReply = Type.Object({
  secret: Type.String({ description: "base32, for manual entry" }),
  otpauthUrl: Type.String({ description: "otpauth:// URL, for a QR code" }),
});

/** POST /auth/totp/enable: a code from the app proves the secret was stored. */
export const TotpEnableBody = Type.Object(
  { code: Type.String({ pattern: "^[0-9]{6}$" }) },
  { additionalProperties: false },
);

/** POST /auth/totp/disable: turning 2FA off needs the password. */
export const TotpDisableBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);

/** The signed-in user after a change. */
export const UserReplySchema = Type.Object({ user: MeSchema });
