import { Type } from "@sinclair/typebox";

const Capacity = Type.Integer({ minimum: 0, maximum: 1000 });

/** The account's automatic-assignment settings. */
export const RoutingSettingsSchema = Type.Object({
  autoAssign: Type.Boolean({ description: "new conversations go to online agents, round-robin" }),
  defaultCapacity: Type.Integer({ description: "open conversations per agent unless set per agent" }),
});

/** PATCH /routing/settings. */
export const UpdateRoutingSettingsBody = Type.Object(
  { autoAssign: Type.Optional(Type.Boolean()), defaultCapacity: Type.Optional(Capacity) },
  { additionalProperties: false },
);

const PresenceSchema = Type.Union([Type.Literal("online"), Type.Literal("away"), Type.Literal("offline")]);

/** One agent's capacity, load and presence. */
export const AgentRoutingSchema = Type.Object({
  userId: Type.Integer(),
  name: Type.String(),
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  effectiveCapacity: Type.Integer(),
  open: Type.Integer(),
  presence: PresenceSchema,
});

/** GET /routing/agents. */
export const AgentRoutingListReply = Type.Object({ items: Type.Array(AgentRoutingSchema) });

/** PUT /routing/agents/{id}. */
export const SetCapacityBody = Type.Object(
  { capacity: Type.Union([Capacity, Type.Null()], { description: "null: the account default" }) },
  { additionalProperties: false },
);
