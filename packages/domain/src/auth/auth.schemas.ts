import { z } from "zod";
import { RoleSchema } from "./roles.js";
import { TimestampSchema, UuidSchema } from "../common/http.js";

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,39}$/;
export const UsernameSchema = z
  .string({ message: "Enter a username" })
  .trim()
  .toLowerCase()
  .regex(
    USERNAME_PATTERN,
    "2–40 characters: lowercase letters, digits, dot, dash or underscore, starting with a letter or digit",
  );

export const PasswordSchema = z
  .string({ message: "Enter a password" })
  .min(12, "Use at least 12 characters")
  .max(200, "Use at most 200 characters");

export const LoginBodySchema = z.object({
  username: z.string({ message: "Enter your username" }).trim().toLowerCase().min(1, "Enter your username").max(40),
  password: z.string({ message: "Enter your password" }).min(1, "Enter your password").max(200),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const SessionUserSchema = z.object({
  id: UuidSchema,
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
});
export type SessionUser = z.infer<typeof SessionUserSchema>;

export const SessionSchema = z
  .object({
    user: SessionUserSchema,
    /** Send back in the `x-csrf-token` header on every state-changing request. */
    csrfToken: z.string(),
    expiresAt: TimestampSchema,
    idleTimeoutSeconds: z.number().int(),
  })
  .meta({ id: "Session" });
export type Session = z.infer<typeof SessionSchema>;

export const CSRF_HEADER = "x-csrf-token";
export const SESSION_COOKIE = "fb_session";
export const REQUEST_ID_HEADER = "x-request-id";
