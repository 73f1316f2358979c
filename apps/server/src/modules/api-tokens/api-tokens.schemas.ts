import { Type } from "@sinclair/typebox";

/** An API token as listed; the secret itself is never shown again (contracts: ApiToken). */
export const ApiTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: "the first characters of the token, to recognise it" }),
  userId: Type.Integer(),
  lastUsedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
});

/** GET /api-tokens. */
export const ApiTokenListReply = Type.Object({ items: Type.Array(ApiTokenSchema) });

/** POST /api-tokens. */
export const CreateApiTokenBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" }) },
  { additionalProperties: false },
);

/** The new token: `token` is shown this once; send it as `Authorization: Bearer <token>`. */
export const CreateApiTokenReply = Type.Object({ apiToken: ApiTokenSchema, token: Type.String() });
