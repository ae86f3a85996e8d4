export * from "./forecast.js";
export * from "./percentiles.js";
export { ForecastInputError, MAX_SHARED_CHUNK_SECONDS, planSampling, resolveTargets } from "./sampling.js";
export { planVariant, type VariantPlan } from "./variants.js";
export {
  ALWAYS_ON_RATIO,
  TYPICAL_ONLINE_RATIO,
  powerProfileFor,
  toStoredComputer,
  toStoredFleet,
} from "./stored-fleet.js";
