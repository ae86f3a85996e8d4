export * from "./firebreak-client.js";
export * from "./mapping.js";
export * from "./play.js";
