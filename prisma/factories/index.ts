// Factories build rows with unique values. The seed, the API tests and the e2e suite all use them.
// They take a Prisma client and import no application code.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../generated/client/client.js";
import type { Role } from "../generated/client/enums.js";
import { hashPassword } from "../src/passwords.js";

export const TEST_PASSWORD = "correct horse battery staple";

let counter = 0;
export const uniqueSuffix = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomUUID().slice(0, 4)}`;

// Hashing is deliberately slow; tests share one hash of TEST_PASSWORD.
let testPasswordHash: Promise<string> | undefined;

export async function createUser(
  prisma: PrismaClient,
  overrides: { username?: string; displayName?: string; role?: Role; password?: string; disabled?: boolean } = {},
) {
  const username = overrides.username ?? `user-${uniqueSuffix()}`;
  const passwordHash =
    overrides.password === undefined
      ? await (testPasswordHash ??= hashPassword(TEST_PASSWORD))
      : await hashPassword(overrides.password);
  return prisma.user.create({
    data: {
      username,
      displayName: overrides.displayName ?? `Test ${username}`,
      role: overrides.role ?? "ERT_MEMBER",
      disabled: overrides.disabled ?? false,
      passwordHash,
    },
  });
}
