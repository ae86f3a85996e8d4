import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CreateUserBodySchema,
  IdParamsSchema,
  UpdateUserBodySchema,
  UserListSchema,
  UserSchema,
  etagFor,
  permissions,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { createUsersService } from "./users.service.js";

const IfMatchHeadersSchema = z.object({ "if-match": z.string().optional().describe('The ETag you read, e.g. W/"3"') });

export const usersRoutes: FastifyPluginAsyncZod = async (app) => {
  const users = createUsersService(app.prisma);
  const access = permissions.manageUsers;

  app.get("/", {
    config: { access },
    schema: { tags: ["users"], summary: "List user accounts", response: { 200: UserListSchema } },
    handler: async () => ({ items: await users.list() }),
  });

  app.get("/:id", {
    config: { access },
    schema: {
      tags: ["users"],
      summary: "One user account (with its ETag)",
      params: IdParamsSchema,
      response: { 200: UserSchema },
    },
    handler: async (request, reply) => {
      const user = await users.get(request.params.id);
      reply.header("etag", etagFor(user.version));
      return user;
    },
  });

  app.post("/", {
    config: { access },
    schema: {
      tags: ["users"],
      summary: "Create a user account",
      body: CreateUserBodySchema,
      response: { 201: UserSchema },
    },
    handler: async (request, reply) => {
      const user = await users.create(request.actor(), request.body);
      return reply.status(201).header("etag", etagFor(user.version)).send(user);
    },
  });

  app.patch("/:id", {
    config: { access },
    schema: {
      tags: ["users"],
      summary: "Change a user's name, role, status or password (If-Match required)",
      params: IdParamsSchema,
      headers: IfMatchHeadersSchema,
      body: UpdateUserBodySchema,
      response: { 200: UserSchema },
    },
    handler: async (request, reply) => {
      const user = await users.update(
        request.actor(),
        request.params.id,
        requireIfMatch(request.headers["if-match"]),
        request.body,
      );
      reply.header("etag", etagFor(user.version));
      return user;
    },
  });
};
