import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** Every setting the API reads from the environment, parsed once at boot. */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number({ message: "must be a port number" }).int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(12),
  COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  /**
   * Which proxies may set X-Forwarded-For / -Proto: "false" (none), a hop count such as "1" (the
   * one load balancer in front), or a comma-separated list of proxy addresses / CIDRs. "true"
   * trusts every hop, which lets any client choose its own address for the login throttle: avoid it.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default("false")
    .transform((v, ctx): boolean | number | string[] => {
      if (v === "false" || v === "0" || v === "") return false;
      if (v === "true") return true;
      if (/^\d+$/.test(v)) return Number(v);
      const list = v
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean);
      if (list.every((x) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(x))) return list;
      ctx.addIssue({
        code: "custom",
        message: "must be false, a hop count, or a comma-separated list of proxy addresses/CIDRs",
      });
      return z.NEVER;
    }),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  AUTO_MIGRATE: bool.default(true),
  /** How often every armed automatic halt rule is evaluated (seconds); 0 switches the sweep off. */
  HALT_RULE_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** At most one evaluation of a rule per this many seconds when status batches arrive (the sweep catches the rest). */
  HALT_RULE_MIN_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  CONSOLE_DIST: z.string().optional(),
});
export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map(
      (i) => `  ${i.path.join(".")}: ${i.message} (got ${JSON.stringify(source[String(i.path[0])])})`,
    );
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  return result.data;
}
