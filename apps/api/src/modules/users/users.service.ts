import { AppError, type CreateUserBody, type UpdateUserBody, type User } from "@firebreak/domain";
import { hashPassword } from "@firebreak/db/passwords";
import type { Db } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { authRepository } from "../auth/auth.repository.js";
import { usersRepository } from "./users.repository.js";

type UserRow = NonNullable<Awaited<ReturnType<typeof usersRepository.findById>>>;

const toWire = (u: UserRow): User => ({
  ...u,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});
/** What the audit log keeps of a user: never the password hash. */
const auditView = (u: UserRow) => ({
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  disabled: u.disabled,
  version: u.version,
});

export function createUsersService(db: Db) {
  return {
    async list(): Promise<User[]> {
      return (await usersRepository.list(db)).map(toWire);
    },

    async get(id: string): Promise<User> {
      const user = await usersRepository.findById(db, id);
      if (!user) throw new AppError("NOT_FOUND", "No such user.");
      return toWire(user);
    },

    async create(actor: Actor, body: CreateUserBody): Promise<User> {
      const passwordHash = await hashPassword(body.password);
      return writeTransaction(db, async (tx) => {
        if (await usersRepository.findByUsername(tx, body.username)) {
          throw new AppError("CONFLICT", `The username "${body.username}" is taken.`, {
            details: [{ path: "body.username", message: "is taken" }],
          });
        }
        const user = await usersRepository.create(tx, {
          username: body.username,
          displayName: body.displayName,
          role: body.role,
          passwordHash,
        });
        await recordAudit(tx, actor, {
          action: "user.create",
          entityType: "user",
          entityId: user.id,
          after: auditView(user),
        });
        return toWire(user);
      });
    },

    /** A role change, disabling or a new password revokes every session of that user. */
    async update(actor: Actor, id: string, version: number, body: UpdateUserBody): Promise<User> {
      const passwordHash = body.password ? await hashPassword(body.password) : undefined;
      return writeTransaction(db, async (tx) => {
        const before = await usersRepository.findById(tx, id);
        if (!before) throw new AppError("NOT_FOUND", "No such user.");
        if (before.version !== version) throw staleVersion("user");
        if (actor.userId === id && (body.disabled === true || (body.role && body.role !== "ADMIN"))) {
          throw new AppError(
            "CONFLICT",
            "You cannot disable yourself or take away your own administrator role; ask another administrator.",
          );
        }
        const after = await usersRepository.updateIfVersion(tx, id, version, {
          ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
          ...(body.role !== undefined ? { role: body.role } : {}),
          ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
          ...(passwordHash ? { passwordHash } : {}),
        });
        if (!after) throw staleVersion("user");
        const revoke =
          (body.role !== undefined && body.role !== before.role) ||
          (body.disabled === true && !before.disabled) ||
          !!passwordHash;
        let revokedSessions = 0;
        if (revoke) revokedSessions = (await authRepository.deleteSessionsOfUser(tx, id)).count;
        await recordAudit(tx, actor, {
          action: "user.update",
          entityType: "user",
          entityId: id,
          before: auditView(before),
          after: {
            ...auditView(after),
            ...(passwordHash ? { passwordChanged: true } : {}),
            ...(revoke ? { revokedSessions } : {}),
          },
        });
        return toWire(after);
      });
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;
