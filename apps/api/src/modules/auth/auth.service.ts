import { createHash, randomBytes } from "node:crypto";
import { AppError, type LoginBody, type Session, type SessionUser } from "@firebreak/domain";
import { verifyPassword, dummyPasswordHash } from "@firebreak/db/passwords";
import type { Db } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { authRepository } from "./auth.repository.js";
import { accountKey, afterFailure, ipKey, limitFor, lockedForSeconds } from "./login-throttle.js";

export interface SessionSettings {
  idleMinutes: number;
  absoluteHours: number;
}

export interface ResolvedSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  user: SessionUser;
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const TOUCH_EVERY_MS = 60_000;

export function createAuthService(db: Db, settings: SessionSettings) {
  const idleMs = settings.idleMinutes * 60_000;
  const absoluteMs = settings.absoluteHours * 3_600_000;

  const toSession = (s: { csrfToken: string; expiresAt: Date }, user: SessionUser): Session => ({
    user,
    csrfToken: s.csrfToken,
    expiresAt: s.expiresAt.toISOString(),
    idleTimeoutSeconds: settings.idleMinutes * 60,
  });

  return {
    absoluteMs,

    async login(
      input: LoginBody & { ip: string; userAgent: string | null; requestId: string },
    ): Promise<{ token: string; session: Session }> {
      const now = new Date();
      const keys = [accountKey(input.username), ipKey(input.ip)];
      // Count the attempt before the (slow) password check, atomically: parallel guesses cannot
      // all read the same old counter. A successful sign-in gives the attempt back.
      const lockedFor = await writeTransaction(db, async (tx) => {
        const throttles = await authRepository.findThrottles(tx, keys);
        const locked = lockedForSeconds(throttles, now);
        if (locked > 0) return locked;
        for (const key of keys) {
          await authRepository.saveThrottle(
            tx,
            afterFailure(
              throttles.find((t) => t.key === key),
              key,
              now,
            ),
          );
        }
        return 0;
      });
      if (lockedFor > 0) {
        const minutes = Math.ceil(lockedFor / 60);
        throw new AppError(
          "RATE_LIMITED",
          `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
          { headers: { "retry-after": String(lockedFor) } },
        );
      }

      const user = await authRepository.findUserForLogin(db, input.username);
      const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
      const anonymous: Actor = { userId: null, username: input.username, role: null, requestId: input.requestId };

      if (!user || user.disabled || !passwordOk) {
        await writeTransaction(db, async (tx) => {
          await recordAudit(tx, anonymous, {
            action: "auth.login_failed",
            entityType: "session",
            after: {
              username: input.username,
              ip: input.ip,
              reason: !user ? "unknown user" : user.disabled ? "account disabled" : "wrong password",
            },
          });
        });
        throw new AppError("UNAUTHENTICATED", "Wrong username or password.");
      }

      const token = randomBytes(32).toString("base64url");
      const sessionUser: SessionUser = {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        role: user.role,
      };
      const created = await writeTransaction(db, async (tx) => {
        await authRepository.clearThrottle(tx, accountKey(input.username));
        await authRepository.giveBackAttempt(tx, ipKey(input.ip), limitFor(ipKey(input.ip)));
        const s = await authRepository.createSession(tx, {
          tokenHash: hashToken(token),
          csrfToken: randomBytes(24).toString("base64url"),
          userId: user.id,
          expiresAt: new Date(now.getTime() + absoluteMs),
          ip: input.ip,
          userAgent: input.userAgent?.slice(0, 300) ?? null,
        });
        await recordAudit(
          tx,
          { userId: user.id, username: user.username, role: user.role, requestId: input.requestId },
          {
            action: "auth.login",
            entityType: "session",
            entityId: s.id,
            after: { ip: input.ip },
          },
        );
        return s;
      });
      return { token, session: toSession(created, sessionUser) };
    },

    /** The live session for a cookie token, or null (unknown, expired, idle too long, user disabled). */
    async resolve(token: string): Promise<ResolvedSession | null> {
      const row = await authRepository.findSessionByTokenHash(db, hashToken(token));
      if (!row) return null;
      const now = Date.now();
      if (row.user.disabled || row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + idleMs <= now) {
        await authRepository.deleteSession(db, row.id);
        return null;
      }
      if (now - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) await authRepository.touchSession(db, row.id, new Date(now));
      const { disabled: _disabled, ...user } = row.user;
      return { id: row.id, csrfToken: row.csrfToken, expiresAt: row.expiresAt, user };
    },

    toSession(s: ResolvedSession): Session {
      return toSession(s, s.user);
    },

    async logout(session: ResolvedSession, actor: Actor): Promise<void> {
      await writeTransaction(db, async (tx) => {
        await authRepository.deleteSession(tx, session.id);
        await recordAudit(tx, actor, { action: "auth.logout", entityType: "session", entityId: session.id });
      });
    },

    async purgeExpired(): Promise<number> {
      const now = new Date();
      const { count } = await authRepository.deleteExpiredSessions(db, now, new Date(now.getTime() - idleMs));
      await authRepository.purgeThrottles(db, new Date(now.getTime() - 24 * 3_600_000));
      return count;
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
