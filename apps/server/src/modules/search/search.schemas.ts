import { type Static, Type } from "@sinclair/typebox";
import { ContactSchema, errorResponses, stringEnum } from "../contacts/contacts.schemas";
import { ConversationSummarySchema } from "../conversations/conversations.schemas";

export { errorResponses };

/** What a search looks in. */
export const SEARCH_TYPES = ["all", "conversations", "contacts"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

/** Hits per list when the caller does not say. */
export const SEARCH_LIMIT_DEFAULT = 20;
/** The most hits per list. */
export const SEARCH_LIMIT_MAX = 50;

/** GET /search query. */
export const SearchQuerystring = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 200,
      description: "Words, parts of words, an email or a phone number; Arabic and English",
    }),
    type: Type.Optional(stringEnum(SEARCH_TYPES, { default: "all" })),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: SEARCH_LIMIT_MAX,
        default: SEARCH_LIMIT_DEFAULT,
        description: "Hits per list",
      }),
    ),
  },
  { additionalProperties: false },
);
export type SearchQuerystring = Static<typeof SearchQuerystring>;

/** A conversation hit: its summary and an excerpt of the matching message or subject. */
export const ConversationHitSchema = Type.Composite([
  ConversationSummarySchema,
  Type.Object({
    highlight: Type.Union([Type.String(), Type.Null()], {
      description: "An excerpt of the original text around the match",
    }),
  }),
]);

/** GET /search answer. */
export const SearchResultsSchema = Type.Object({
  conversations: Type.Array(ConversationHitSchema),
  contacts: Type.Array(ContactSchema),
});
