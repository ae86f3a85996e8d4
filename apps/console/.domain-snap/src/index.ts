export * from "./common/errors.js";
export * from "./common/http.js";
export * from "./auth/roles.js";
export * from "./auth/auth.schemas.js";
export * from "./users/users.schemas.js";
export * from "./audit/audit.schemas.js";
export * from "./sms/index.js";
