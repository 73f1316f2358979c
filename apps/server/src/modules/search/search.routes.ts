import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { authorizeSearch } from "./search.policy";
import { errorResponses, SearchQuerystring, SearchResultsSchema } from "./search.schemas";
import { search } from "./search.service";

const tags = ["search"];

/** Routes of /search. */
export async function registerSearchRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/search",
    {
      schema: {
        tags,
        summary: "Search conversations and contacts",
        description:
          "Finds conversations by subject and by any message, internal notes included, and contacts by " +
          "name, email, phone or company. Arabic is folded (hamza and alef forms, taa marbuta, alef " +
          "maqsura, diacritics, tatweel, Arabic-Indic digits) and Arabic and English words are stemmed, " +
          "so «الاسترجاع» finds «بالاسترجاع» and “refunds” finds “refund”; the last word also matches " +
          "as the start of a longer word and any part of a word of 3 or more characters matches too. " +
          "Best matches first, blending relevance with recency.",
        querystring: SearchQuerystring,
        response: { 200: SearchResultsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeSearch(principal);
      return search(api.ctx, principal.accountId, request.query);
    },
  );
}
