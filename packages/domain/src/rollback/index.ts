export * from "./rollback-states.js";
export * from "./rollback-plan.js";
export * from "./rollback-requests.js";
export * from "./rollback-machine.js";
export * from "./rollback-api.schemas.js";
