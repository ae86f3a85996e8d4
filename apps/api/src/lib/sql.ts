import { AppError } from "@firebreak/domain";

// Hot aggregate queries inline a few values as SQL literals instead of bind parameters: on PGlite
// a parameterised GROUP BY over 200k rows ran twice as slow (apps/api/bench). Only values that
// are validated here, or quoted here, are ever inlined.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidLiteral(id: string): string {
  if (!UUID.test(id)) throw new AppError("INTERNAL", "not a UUID");
  return `'${id}'::uuid`;
}

/** A standard SQL string literal (standard_conforming_strings is on: only quotes need doubling). */
export function textLiteral(value: string): string {
  if (value.includes("\u0000")) throw new AppError("VALIDATION_FAILED", "Text may not contain NUL characters.");
  return `'${value.replace(/'/g, "''")}'`;
}
