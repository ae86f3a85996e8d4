import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from "fastify";
import { AppError, REQUEST_ID_HEADER, isAppError, type AdvertisementMonitor, type Role } from "@firebreak/domain";
import type { FleetScope } from "../fleet/fleet-scope.js";
import type { MonitoringService } from "./monitoring.service.js";

/**
 * Live advertisement monitors over Server-Sent Events.
 *
 * Several API instances may share one PostgreSQL, so a stream cannot wait for an in-process event
 * alone: each watched advertisement (one "channel", shared by every stream watching it) polls a
 * cheap change marker — the status messages stored since the last look, read through the
 * primary key — and only recomputes and pushes the snapshot when it moved. Pushes are coalesced
 * to one per `minPushMs` (longer when a snapshot is slow to compute). On PostgreSQL concurrent ingest transactions can commit out of
 * sequence order, so a row can become visible below the marker's high-water mark; a periodic
 * count of the advertisement's messages (`reconcileMs`) catches those. An in-process notice
 * (`notifyStatusStored`, for the ingest path to call after commit) only makes a push sooner.
 */

export interface StreamTiming {
  /** How often a channel looks at the change marker. */
  pollMs: number;
  /** At most one snapshot per channel per this many ms. */
  minPushMs: number;
  /** A `: keepalive` comment after this long without a write (proxies drop silent connections). */
  keepaliveMs: number;
  /** How often the full count of the advertisement's messages is compared. */
  reconcileMs: number;
  /** How often each stream's session is checked (signed out, disabled or role changed: the stream ends). */
  sessionCheckMs: number;
}

export const DEFAULT_STREAM_TIMING: StreamTiming = {
  pollMs: 1_000,
  minPushMs: 1_000,
  keepaliveMs: 15_000,
  reconcileMs: 15_000,
  sessionCheckMs: 15_000,
};

/** Tells EventSource how long to wait before reconnecting. */
const RETRY_MS = 5_000;
/** A client this far behind is not reading; drop it rather than buffer without limit. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** A browser needs a handful of live monitors at most; a script opening hundreds would stall the database. */
export const MAX_STREAMS_PER_SESSION = 6;
export const MAX_STREAMS_TOTAL = 300;

// ── in-process notices, one emitter per database client (so per app and per test database)

const notifiers = new WeakMap<object, EventEmitter>();

export function statusNotifier(db: object): EventEmitter {
  let emitter = notifiers.get(db);
  if (!emitter) {
    emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    notifiers.set(db, emitter);
  }
  return emitter;
}

/**
 * For the ingest path, after its transaction commits: status for these advertisements was stored.
 * Streams in this process then look at once; streams in other instances still see it on their poll.
 */
export function notifyStatusStored(db: object, fleetId: string, advertisementIds: readonly string[]): void {
  notifiers.get(db)?.emit("status", fleetId, advertisementIds);
}

const hubs = new WeakMap<object, MonitorStreams>();
/** The stream hub serving a database client (tests use it to prove timers stop). */
export const monitorStreamsOf = (db: object): MonitorStreams | undefined => hubs.get(db);

// ── the hub

interface Subscriber {
  res: ServerResponse;
  sessionId: string | null;
  lastWriteAt: number;
  nextSessionCheckAt: number;
}

interface Channel {
  key: string;
  scope: FleetScope;
  advertisementId: string;
  subs: Set<Subscriber>;
  timer: NodeJS.Timeout | null;
  busy: boolean;
  dirty: boolean;
  lastPushAt: number;
  /** Newest status message sequence number already looked at. */
  highWater: bigint;
  /** The advertisement's stored message count as the channel has accounted for it. */
  knownCount: number;
  nextReconcileAt: number;
  /** How long the last snapshot took: pushes are spaced to at least 3× that, so one watched rollout
   *  of a very large fleet cannot keep the database busy. */
  computeMs: number;
}

const channelKey = (fleetId: string, advertisementId: string) => `${fleetId}\u0000${advertisementId}`;

export const monitorFrame = (snapshot: AdvertisementMonitor) => `event: monitor\ndata: ${JSON.stringify(snapshot)}\n\n`;

export class MonitorStreams {
  private readonly channels = new Map<string, Channel>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  private readonly onStatus = (fleetId: string, advertisementIds: readonly string[]) => {
    for (const id of advertisementIds) {
      const ch = this.channels.get(channelKey(fleetId, id));
      if (!ch) continue;
      ch.dirty = true;
      this.kick(ch);
    }
  };

  constructor(
    private readonly svc: MonitoringService,
    private readonly log: FastifyBaseLogger,
    private readonly readRoles: readonly Role[],
    private readonly notifier: EventEmitter,
    private readonly timing: StreamTiming = DEFAULT_STREAM_TIMING,
  ) {
    notifier.on("status", this.onStatus);
  }

  register(db: object): this {
    hubs.set(db, this);
    return this;
  }

  /** Streams open right now. */
  get openStreams(): number {
    let n = 0;
    for (const ch of this.channels.values()) n += ch.subs.size;
    return n;
  }

  /** Channels with a pending poll timer (0 once every stream has gone). */
  get activeTimers(): number {
    return [...this.channels.values()].filter((ch) => ch.timer !== null).length;
  }

  /**
   * Answers with the stream: the current snapshot first, then a fresh one whenever status for
   * the advertisement arrives. Errors before the first byte (404, the database) are ordinary
   * JSON errors.
   */
  async open(req: FastifyRequest, reply: FastifyReply, scope: FleetScope, advertisementId: string): Promise<void> {
    const sessionId = req.session?.id ?? null;
    let mine = 0;
    let total = 0;
    for (const ch of this.channels.values()) {
      total += ch.subs.size;
      for (const s of ch.subs) if (sessionId !== null && s.sessionId === sessionId) mine++;
    }
    if (mine >= MAX_STREAMS_PER_SESSION || total >= MAX_STREAMS_TOTAL) {
      throw new AppError(
        "RATE_LIMITED",
        mine >= MAX_STREAMS_PER_SESSION
          ? `You have ${mine} live monitors open already; close one (another tab or window) and try again.`
          : "The server is serving as many live monitors as it can; try again shortly.",
        { headers: { "retry-after": "15" } },
      );
    }
    // Read the markers before the snapshot: anything stored after them is pushed later.
    const totals = await this.svc.statusTotals(scope, advertisementId);
    const snapshot = await this.svc.advertisementMonitor(scope, advertisementId);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      [REQUEST_ID_HEADER]: req.id,
    });
    const now = Date.now();
    const sub: Subscriber = {
      res,
      sessionId: req.session?.id ?? null,
      lastWriteAt: now,
      nextSessionCheckAt: now + this.timing.sessionCheckMs,
    };
    this.write(sub, `retry: ${RETRY_MS}\n\n${monitorFrame(snapshot)}`);
    if (this.closed || res.destroyed || res.writableEnded) {
      res.end();
      return;
    }

    const key = channelKey(scope.fleetId, advertisementId);
    let ch = this.channels.get(key);
    if (!ch) {
      ch = {
        key,
        scope,
        advertisementId,
        subs: new Set(),
        timer: null,
        busy: false,
        dirty: false,
        lastPushAt: now,
        highWater: totals.highWater,
        knownCount: totals.count,
        nextReconcileAt: now + this.timing.reconcileMs,
        computeMs: 0,
      };
      this.channels.set(key, ch);
    }
    const channel = ch;
    channel.subs.add(sub);
    res.on("close", () => this.leave(channel, sub));
    this.schedule(channel, this.timing.pollMs);
  }

  /** Ends every stream and stops every timer (the app is closing). Waits for a poll in flight. */
  async close(): Promise<void> {
    this.closed = true;
    this.notifier.off("status", this.onStatus);
    for (const ch of this.channels.values()) {
      if (ch.timer) clearTimeout(ch.timer);
      ch.timer = null;
      for (const sub of ch.subs) sub.res.end();
      ch.subs.clear();
    }
    this.channels.clear();
    await Promise.allSettled([...this.running]);
  }

  private leave(ch: Channel, sub: Subscriber) {
    ch.subs.delete(sub);
    if (ch.subs.size > 0) return;
    if (ch.timer) clearTimeout(ch.timer);
    ch.timer = null;
    if (this.channels.get(ch.key) === ch) this.channels.delete(ch.key);
  }

  private schedule(ch: Channel, delayMs: number) {
    if (this.closed || ch.timer || ch.busy || ch.subs.size === 0 || this.channels.get(ch.key) !== ch) return;
    ch.timer = setTimeout(() => {
      ch.timer = null;
      const run = this.tick(ch).finally(() => this.running.delete(run));
      this.running.add(run);
    }, delayMs);
  }

  /** An in-process notice: look now rather than at the next poll (still at most one push per minPushMs). */
  private kick(ch: Channel) {
    if (ch.busy) return;
    if (ch.timer) clearTimeout(ch.timer);
    ch.timer = null;
    this.schedule(ch, Math.max(0, ch.lastPushAt + this.pushInterval(ch) - Date.now()));
  }

  private pushInterval(ch: Channel) {
    return Math.max(this.timing.minPushMs, 3 * ch.computeMs);
  }

  private write(sub: Subscriber, chunk: string) {
    const { res } = sub;
    if (res.destroyed || res.writableEnded) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return;
    }
    res.write(chunk);
    sub.lastWriteAt = Date.now();
  }

  private async tick(ch: Channel): Promise<void> {
    if (this.closed) return;
    ch.busy = true;
    try {
      const now = Date.now();
      await this.checkSessions(ch, now);
      if (ch.subs.size === 0) return;

      if (now >= ch.nextReconcileAt) {
        // Also catches rows that became visible below the high-water mark (out-of-order commits).
        ch.nextReconcileAt = now + this.timing.reconcileMs;
        const totals = await this.svc.statusTotals(ch.scope, ch.advertisementId);
        if (totals.count !== ch.knownCount) ch.dirty = true;
        ch.knownCount = totals.count;
        if (totals.highWater > ch.highWater) ch.highWater = totals.highWater;
      } else {
        const since = await this.svc.statusSince(ch.scope, ch.advertisementId, ch.highWater);
        if (since.highWater !== null && since.highWater > ch.highWater) ch.highWater = since.highWater;
        if (since.forAdvertisement > 0) {
          ch.knownCount += since.forAdvertisement;
          ch.dirty = true;
        }
      }
      if (ch.dirty && now - ch.lastPushAt >= this.pushInterval(ch) && !this.closed) {
        ch.dirty = false;
        ch.lastPushAt = now;
        const started = Date.now();
        const frame = monitorFrame(await this.svc.advertisementMonitor(ch.scope, ch.advertisementId));
        ch.computeMs = Date.now() - started;
        for (const sub of ch.subs) this.write(sub, frame);
      }
      const quietSince = Date.now() - this.timing.keepaliveMs;
      for (const sub of ch.subs) if (sub.lastWriteAt <= quietSince) this.write(sub, ": keepalive\n\n");
    } catch (err) {
      if (isAppError(err) && err.code === "NOT_FOUND") {
        // The advertisement was deleted while watched: say so and end the streams.
        const frame = `event: gone\ndata: ${JSON.stringify({ code: err.code, message: err.message })}\n\n`;
        for (const sub of ch.subs) {
          this.write(sub, frame);
          sub.res.end();
        }
      } else if (!this.closed) {
        ch.dirty = true;
        this.log.warn({ err, advertisementId: ch.advertisementId }, "monitor stream poll failed; retrying");
      }
    } finally {
      ch.busy = false;
      const wait = ch.dirty ? Math.max(0, ch.lastPushAt + this.pushInterval(ch) - Date.now()) : this.timing.pollMs;
      this.schedule(ch, Math.min(this.timing.pollMs, Math.max(wait, 50)));
    }
  }

  private async checkSessions(ch: Channel, now: number) {
    for (const sub of [...ch.subs]) {
      if (now < sub.nextSessionCheckAt) continue;
      sub.nextSessionCheckAt = now + this.timing.sessionCheckMs;
      if (sub.sessionId && (await this.svc.sessionMayRead(sub.sessionId, this.readRoles))) continue;
      this.write(sub, `event: end\ndata: ${JSON.stringify({ reason: "Your session ended. Sign in again." })}\n\n`);
      sub.res.end();
      ch.subs.delete(sub);
    }
  }
}
