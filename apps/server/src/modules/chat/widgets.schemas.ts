import { type Static, Type } from "@sinclair/typebox";
import { nullable, stringEnum, text } from "../contacts/contacts.schemas";

export { errorResponses, IdParams } from "../contacts/contacts.schemas";

const FieldRule = stringEnum(["off", "optional", "required"] as const);
const HHMM = Type.String({ pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$" });

const Settings = {
  name: text(100),
  color: Type.String({ pattern: "^#[0-9a-fA-F]{6}$" }),
  greeting: Type.Object(
    { ar: Type.String({ maxLength: 300 }), en: Type.String({ maxLength: 300 }) },
    { additionalProperties: false },
  ),
  position: stringEnum(["start", "end"] as const),
  prechat: Type.Object(
    { name: FieldRule, email: FieldRule, phone: FieldRule },
    { additionalProperties: false },
  ),
  businessHours: nullable(
    Type.Object(
      {
        timezone: Type.String({ minLength: 1, maxLength: 64 }),
        days: Type.Array(
          Type.Object(
            { day: Type.Integer({ minimum: 0, maximum: 6 }), open: HHMM, close: HHMM },
            { additionalProperties: false },
          ),
          { maxItems: 21 },
        ),
      },
      { additionalProperties: false },
    ),
  ),
  offlineMode: stringEnum(["message", "hidden"] as const),
  replyInboxId: Type.Union([Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()], {
    description:
      "The email inbox that answers messages left outside business hours; null: the account's first",
  }),
  allowedOrigins: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 }),
};

/** POST /widgets: a name is enough; everything else has a default. */
export const CreateWidgetBody = Type.Object(
  {
    name: Settings.name,
    color: Type.Optional(Settings.color),
    greeting: Type.Optional(Settings.greeting),
    position: Type.Optional(Settings.position),
    prechat: Type.Optional(Settings.prechat),
    businessHours: Type.Optional(Settings.businessHours),
    offlineMode: Type.Optional(Settings.offlineMode),
    replyInboxId: Type.Optional(Settings.replyInboxId),
    allowedOrigins: Type.Optional(Settings.allowedOrigins),
  },
  { additionalProperties: false },
);
export type CreateWidgetBody = Static<typeof CreateWidgetBody>;

/** PATCH /widgets/{id}: any settings to change. */
export const UpdateWidgetBody = Type.Partial(CreateWidgetBody, { additionalProperties: false });
export type UpdateWidgetBody = Static<typeof UpdateWidgetBody>;

/** A widget as the admin API returns it. */
export const WidgetSchema = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  snippet: Type.String(),
  ...Settings,
  name: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

/** A widget with its identity secret (creation and regeneration only). */
export const WidgetWithSecretSchema = Type.Object({
  ...WidgetSchema.properties,
  identitySecret: Type.String(),
});

/** GET /widgets. */
export const WidgetList = Type.Object({ items: Type.Array(WidgetSchema) });
