import { Type } from "@sinclair/typebox";
import { LanguageSchema, RoleSchema } from "../auth/auth.schemas";

/** A user as the rest of the account sees it (contracts: UserSummary). */
export const UserSummarySchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  language: Type.Union([LanguageSchema, Type.Null()]),
  disabled: Type.Boolean(),
});

/** GET /users. */
export const UserListReply = Type.Object({ items: Type.Array(UserSummarySchema) });

/** A path with a numeric id. */
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

/** PATCH /users/{id}. */
export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" })),
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(
      Type.Boolean({ description: "true signs the user out and revokes their API tokens" }),
    ),
  },
  { additionalProperties: false },
);
