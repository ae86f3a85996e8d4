export * from "./enums.js";
export * from "./flags.js";
export * from "./program.js";
export * from "./advertisement.js";
export * from "./status.js";
export * from "./schedule.js";
export * from "./transfer.js";
export * from "./schemas.js";
