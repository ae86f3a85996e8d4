export * from "./halt-rule.js";
export * from "./verification.js";
export * from "./halt-api.schemas.js";
