import { DEFAULT_PRIORITY_POLICY } from "/work/main/packages/domain/src/index.ts";
console.log(JSON.stringify(DEFAULT_PRIORITY_POLICY));
