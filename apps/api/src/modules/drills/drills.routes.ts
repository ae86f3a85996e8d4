import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  DrillActionBodySchema,
  DrillDebriefBodySchema,
  DrillDetailSchema,
  DrillListSchema,
  DrillReportViewSchema,
  DrillScenarioListSchema,
  DrillStaffListSchema,
  DrillTrendsSchema,
  IdParamsSchema,
  JoinDrillResultSchema,
  PlanDrillBodySchema,
  ScenarioValidationSchema,
  etagFor,
  permissions,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { IfMatchHeadersSchema } from "../fleet/fleet.routes.js";
import { DrillPlayer } from "./drills.player.js";
import { createDrillsService, scenarioOfRow } from "./drills.service.js";

export interface DrillsRoutesOptions {
  /** The clock drills run on (tests inject one). */
  now?: () => Date;
  /** Play running drills on a timer (default true); tests drive the player themselves. */
  autoPlay?: boolean;
  playIntervalMs?: number;
  /** Hands the player to the caller (tests call `tick`). */
  onPlayer?: (player: DrillPlayer) => void;
}

/**
 * Fire drills. Reading is open to all staff; the Drill machine decides who may plan, run and
 * sign off (the umpire or an ERT lead runs; a manager who is not the umpire signs off).
 */
export const drillsRoutes: FastifyPluginAsyncZod<DrillsRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? (() => new Date());
  const drills = createDrillsService(app.prisma, { now, stats: app.tableStats });
  const player = new DrillPlayer(app.prisma, {
    now,
    log: app.log,
    stats: app.tableStats,
    scenarioOf: scenarioOfRow,
    fireDueInjects: (id) => drills.fireDueInjects(id),
  });
  drills.attachPlayer(player);
  opts.onPlayer?.(player);
  if (opts.autoPlay ?? true) app.addHook("onReady", async () => player.startTimer(opts.playIntervalMs ?? 2_000));
  app.addHook("onClose", async () => player.close());

  const read = { access: permissions.readOperations };
  const tags = ["drills"];

  app.get("/scenarios", {
    config: read,
    schema: {
      tags,
      summary: "Built-in drill scenarios (scenarios are data)",
      response: { 200: DrillScenarioListSchema },
    },
    handler: async (req) => drills.listScenarios(req.actor()),
  });

  app.post("/scenarios/validate", {
    config: read,
    schema: {
      tags,
      summary: "Check a custom scenario (JSON) against the scenario schema; every problem with its path",
      body: z.record(z.string(), z.unknown()),
      response: { 200: ScenarioValidationSchema },
    },
    handler: async (req) => drills.validateScenario(req.body),
  });

  app.get("/staff", {
    config: read,
    schema: {
      tags,
      summary: "People who can umpire, take part in a drill or own a finding",
      response: { 200: DrillStaffListSchema },
    },
    handler: async () => drills.staff(),
  });

  app.get("/trends", {
    config: read,
    schema: {
      tags,
      summary: "Each metric per ended drill over time, one series per scenario and metric",
      response: { 200: DrillTrendsSchema },
    },
    handler: async () => drills.trends(),
  });

  app.get("/", {
    config: read,
    schema: { tags, summary: "Drills, newest scheduled first", response: { 200: DrillListSchema } },
    handler: async () => drills.list(),
  });

  app.post("/", {
    config: read,
    schema: {
      tags,
      summary: "Plan a drill: scenario (built-in, or a custom one sent with it), title, start, umpire, participants",
      body: PlanDrillBodySchema,
      response: { 201: DrillDetailSchema },
    },
    handler: async (req, reply) => {
      const d = await drills.plan(req.actor(), req.body);
      return reply.status(201).header("etag", etagFor(d.version)).send(d);
    },
  });

  app.get("/:id", {
    config: read,
    schema: {
      tags,
      summary: "A drill: state, clock, injects (due / fired), participants, the actions open to you",
      params: IdParamsSchema,
      response: { 200: DrillDetailSchema },
    },
    handler: async (req, reply) => {
      const d = await drills.detail(req.actor(), req.params.id);
      return reply.header("etag", etagFor(d.version)).send(d);
    },
  });

  app.post("/:id/actions", {
    config: read,
    schema: {
      tags,
      summary: "Start, pause, resume, fire an inject, end, cancel or sign off (If-Match); 409 says why not",
      params: IdParamsSchema,
      headers: IfMatchHeadersSchema,
      body: DrillActionBodySchema,
      response: { 200: DrillDetailSchema },
    },
    handler: async (req, reply) => {
      const d = await drills.act(req.actor(), req.params.id, requireIfMatch(req.headers["if-match"]), req.body);
      return reply.header("etag", etagFor(d.version)).send(d);
    },
  });

  app.put("/:id/debrief", {
    config: read,
    schema: {
      tags,
      summary: "Findings and actions with owners, until the report is signed off (If-Match)",
      params: IdParamsSchema,
      headers: IfMatchHeadersSchema,
      body: DrillDebriefBodySchema,
      response: { 200: DrillReportViewSchema },
    },
    handler: async (req, reply) => {
      const r = await drills.debrief(req.actor(), req.params.id, requireIfMatch(req.headers["if-match"]), req.body);
      return reply.header("etag", etagFor(r.version)).send(r);
    },
  });

  app.post("/:id/join", {
    config: read,
    schema: {
      tags,
      summary: "Join a running drill: records your acknowledgement and returns the sandbox fleet to work in",
      params: IdParamsSchema,
      response: { 200: JoinDrillResultSchema },
    },
    handler: async (req) => drills.join(req.actor(), req.params.id),
  });

  app.get("/:id/report", {
    config: read,
    schema: {
      tags,
      summary: "The drill report: verdict, metrics against targets, coverage curve, timeline, deviations, findings",
      params: IdParamsSchema,
      response: { 200: DrillReportViewSchema },
    },
    handler: async (req, reply) => {
      const r = await drills.report(req.actor(), req.params.id);
      return reply.header("etag", etagFor(r.version)).send(r);
    },
  });
};
