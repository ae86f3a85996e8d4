import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import fastifyStatic from "@fastify/static";
import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Serves the built console from the API's own port, so the product is one process on one port.
 * Unknown non-API paths get index.html (client-side routes); unknown /api paths stay JSON 404s.
 */
export const consoleStaticPlugin = fp(
  async (app: FastifyInstance, opts: { root: string }) => {
    const index = path.join(opts.root, "index.html");
    if (!existsSync(index)) {
      app.log.warn(`console build not found at ${opts.root}; run \`pnpm build\` (npm start does this)`);
      return;
    }
    await app.register(fastifyStatic, {
      root: opts.root,
      wildcard: false,
      index: false,
      maxAge: "1h",
      immutable: false,
    });
    const sendIndex = (
      _req: unknown,
      reply: { header: (k: string, v: string) => unknown; sendFile: (f: string, o: object) => unknown },
    ) => {
      reply.header("cache-control", "no-cache");
      return reply.sendFile("index.html", { maxAge: 0 });
    };
    app.get("/", { config: { access: "public" } }, sendIndex as never);
    // Every built file has its own route (wildcard: false); anything else is a client-side route.
    app.get("/*", { config: { access: "public" } }, async (request, reply) => {
      const url = request.url.split("?")[0] ?? "/";
      if (url === "/api" || url.startsWith("/api/")) return reply.callNotFound();
      if (path.extname(url)) return reply.status(404).type("text/plain").send("Not found");
      return sendIndex(request, reply as never);
    });
  },
  { name: "console-static" },
);
