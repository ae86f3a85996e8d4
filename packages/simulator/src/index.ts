export * from "./prng.js";
export * from "./event-queue.js";
export * from "./fleet.js";
export * from "./power.js";
export * from "./outcomes.js";
export * from "./presets.js";
export * from "./engine.js";
export * from "./scenarios.js";
