import { LANGUAGES } from "@khidma/contracts";
import { type Static, type TSchema, Type } from "@sinclair/typebox";

/** A string limited to a list of values, as a JSON Schema enum (clear validation messages). */
export function stringEnum<const T extends readonly string[]>(values: T, options: object = {}) {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });
}

/** The same enum, or null. */
export function nullableEnum<const T extends readonly string[]>(values: T, options: object = {}) {
  return Type.Unsafe<T[number] | null>({ type: ["string", "null"], enum: [...values, null], ...options });
}

/** A value of the schema, or null. */
export function nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** A positive database id in a path or query string. */
export const IdSchema = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** Path parameters `{id}`. */
export const IdParams = Type.Object({ id: IdSchema }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

/** `?cursor=&limit=` of every list. */
export const PageQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;

/** A name-like text: not blank, trimmed later. */
export function text(maxLength: number) {
  return Type.String({ minLength: 1, maxLength, pattern: "\\S" });
}

const Attributes = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { maxProperties: 50 });

/** A contact as the API returns it. */
export const ContactSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  emails: Type.Array(Type.String()),
  phones: Type.Array(Type.String()),
  /** Addresses whose mail bounced, with the reason the receiving server gave. */
  bounces: Type.Optional(
    Type.Array(
      Type.Object({
        email: Type.String(),
        bouncedAt: Type.String({ format: "date-time" }),
        reason: nullable(Type.String()),
      }),
    ),
  ),
  language: nullableEnum(LANGUAGES),
  company: nullable(Type.String()),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: "date-time" }),
});

/** POST /contacts. */
export const CreateContactBody = Type.Object(
  {
    name: text(200),
    emails: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 254 }), { maxItems: 10 })),
    phones: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 10 })),
    language: Type.Optional(nullableEnum(LANGUAGES)),
    company: Type.Optional(nullable(Type.String({ maxLength: 200 }))),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false },
);
export type CreateContactBody = Static<typeof CreateContactBody>;

/** PATCH /contacts/{id}: any field of the creation body; emails and phones replace the lists. */
export const UpdateContactBody = Type.Partial(CreateContactBody, { additionalProperties: false });
export type UpdateContactBody = Static<typeof UpdateContactBody>;

/** A page of contacts. */
export const ContactPage = Type.Object({
  items: Type.Array(ContactSchema),
  nextCursor: nullable(Type.String()),
});

/** The error body, for OpenAPI. */
export const ErrorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

/** Standard error responses of an authenticated route. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
} as const;
