import { z } from "zod";
import { RoleSchema } from "../auth/roles.js";
import { PasswordSchema, UsernameSchema } from "../auth/auth.schemas.js";
import { TimestampSchema, UuidSchema } from "../common/http.js";

export const DisplayNameSchema = z
  .string({ message: "Enter a display name" })
  .trim()
  .min(1, "Enter a display name")
  .max(100, "Use at most 100 characters");

export const UserSchema = z
  .object({
    id: UuidSchema,
    username: z.string(),
    displayName: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    version: z.number().int(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: "User" });
export type User = z.infer<typeof UserSchema>;

export const UserListSchema = z.object({ items: z.array(UserSchema) });
export type UserList = z.infer<typeof UserListSchema>;

export const CreateUserBodySchema = z.object({
  username: UsernameSchema,
  displayName: DisplayNameSchema,
  role: RoleSchema,
  password: PasswordSchema,
});
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

/** Partial update; send the user's ETag in If-Match. A role change or disabling revokes the user's sessions. */
export const UpdateUserBodySchema = z
  .object({
    displayName: DisplayNameSchema.optional(),
    role: RoleSchema.optional(),
    disabled: z.boolean().optional(),
    password: PasswordSchema.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Change at least one field" });
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;
