import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { actorOf, authorizeContacts } from "./contacts.policy";
import {
  ContactPage,
  ContactSchema,
  CreateContactBody,
  ErrorSchema,
  errorResponses,
  IdParams,
  PageQuery,
  UpdateContactBody,
} from "./contacts.schemas";
import { createContact, getContact, listContacts, updateContact } from "./contacts.service";

const tags = ["contacts"];

/** Routes of /contacts (a contact's conversations are listed by the conversations module). */
export async function registerContactsRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/contacts",
    {
      schema: {
        tags,
        summary: "List contacts, newest first",
        querystring: PageQuery,
        response: { 200: ContactPage, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeContacts(principal, "read");
      return listContacts(api.ctx, actorOf(principal), request.query);
    },
  );

  r.post(
    "/contacts",
    {
      schema: {
        tags,
        summary: "Create a contact",
        description: "Emails and phones are normalised; no two contacts of an account share one (409).",
        body: CreateContactBody,
        response: { 201: ContactSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      authorizeContacts(principal, "create");
      const contact = await createContact(api.ctx, actorOf(principal), request.body);
      return reply.code(201).send(contact);
    },
  );

  r.get(
    "/contacts/:id",
    {
      schema: {
        tags,
        summary: "Get a contact",
        params: IdParams,
        response: { 200: ContactSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeContacts(principal, "read");
      return getContact(api.ctx.db, principal.accountId, request.params.id);
    },
  );

  r.patch(
    "/contacts/:id",
    {
      schema: {
        tags,
        summary: "Change a contact",
        description: "Given `emails` or `phones` replace the stored lists.",
        params: IdParams,
        body: UpdateContactBody,
        response: { 200: ContactSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeContacts(principal, "update");
      return updateContact(api.ctx, actorOf(principal), request.params.id, request.body);
    },
  );
}
