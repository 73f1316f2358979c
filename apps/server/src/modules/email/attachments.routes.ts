import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { IdParams } from "../users/users.schemas";
import { downloadAttachment } from "./attachments.service";

/** Attachment downloads, for agents of the account that owns them. */
export async function registerAttachmentsRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    "/attachments/:id",
    {
      schema: {
        tags: ["attachments"],
        summary: "Download an attachment of a message",
        description:
          "Raster images are served inline; every other type as a download. Always with " +
          "X-Content-Type-Options: nosniff and a restrictive Content-Security-Policy.",
        params: IdParams,
      },
    },
    async (request, reply) => {
      const file = await downloadAttachment(api.ctx, principalOf(request), request.params.id);
      return reply
        .header("content-type", file.contentType)
        .header("content-length", String(file.size))
        .header("content-disposition", file.disposition)
        .header("x-content-type-options", "nosniff")
        .header(
          "content-security-policy",
          "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        )
        .header("cache-control", "private, max-age=3600")
        .send(file.stream);
    },
  );
}
