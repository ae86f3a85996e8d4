export { openDatabase, databaseTargetFromEnv, describeTarget, type Database, type DatabaseTarget } from "./database.js";
export { applyMigrations, diffSchemaAgainstDatabase, isEmptyDiff, listMigrations } from "./migrate.js";
export { PrismaClient, Prisma } from "../generated/client/client.js";
export type * from "../generated/client/client.js";
