import { Type } from "@sinclair/typebox";

/** A team and its members (contracts: Team). */
export const TeamSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  memberIds: Type.Array(Type.Integer()),
});

/** GET /teams. */
export const TeamListReply = Type.Object({ items: Type.Array(TeamSchema) });

const TeamName = Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" });
const MemberIds = Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), {
  maxItems: 500,
  description: "user ids of this account; replaces the members",
});

/** POST /teams. */
export const CreateTeamBody = Type.Object(
  { name: TeamName, memberIds: Type.Optional(MemberIds) },
  { additionalProperties: false },
);

/** PATCH /teams/{id}. */
export const UpdateTeamBody = Type.Object(
  { name: Type.Optional(TeamName), memberIds: Type.Optional(MemberIds) },
  { additionalProperties: false },
);
