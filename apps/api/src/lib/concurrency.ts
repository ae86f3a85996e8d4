import { AppError, versionFromIfMatch } from "@firebreak/domain";

/** Reads the If-Match version a write must carry: 428 when missing, 400 when unreadable. */
export function requireIfMatch(ifMatch: string | undefined): number {
  const version = versionFromIfMatch(ifMatch);
  if (version === null) {
    throw new AppError(
      "PRECONDITION_REQUIRED",
      'This change needs an If-Match header with the version you read (the ETag, e.g. W/"3").',
    );
  }
  if (Number.isNaN(version))
    throw new AppError("VALIDATION_FAILED", 'If-Match must be an ETag such as W/"3".', {
      details: [{ path: "headers.if-match", message: "is not an ETag" }],
    });
  return version;
}

export function staleVersion(entity: string): AppError {
  return new AppError(
    "PRECONDITION_FAILED",
    `This ${entity} was changed by someone else since you read it. Reload it and apply your change again.`,
  );
}
