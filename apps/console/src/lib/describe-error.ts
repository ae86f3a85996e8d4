import { isApiError } from "../api/client";
import { formatDuration } from "./format";

export interface ErrorDescription {
  title: string;
  message: string;
  /** Shown small, for support: lets the operator find the server log line. */
  requestId?: string | undefined;
}

/** Turns anything thrown into words a person can act on. */
export function describeError(error: unknown): ErrorDescription {
  if (isApiError(error)) {
    const requestId = error.requestId;
    switch (error.code) {
      case "UNAUTHENTICATED":
        return {
          title: "You are signed out",
          message: "Your session has ended. Sign in again to continue.",
          requestId,
        };
      case "FORBIDDEN":
        return { title: "Not allowed", message: error.message, requestId };
      case "CSRF_FAILED":
        return {
          title: "Security check failed",
          message: "The page's security token is out of date. Reload the page and try again.",
          requestId,
        };
      case "NOT_FOUND":
        return { title: "Not found", message: error.message, requestId };
      case "RATE_LIMITED":
        return {
          title: "Too many requests",
          message:
            error.retryAfterSeconds !== undefined
              ? `${error.message} Try again in ${formatDuration(error.retryAfterSeconds)}.`
              : error.message,
          requestId,
        };
      case "UNAVAILABLE":
        return { title: "Server unavailable", message: error.message, requestId };
      case "INTERNAL":
        return { title: "Something went wrong", message: error.message, requestId };
      default:
        return { title: "The request could not be completed", message: error.message, requestId };
    }
  }
  return {
    title: "Something went wrong",
    message:
      "The console hit an unexpected problem. Reload the page; if it happens again, tell your administrator what you were doing.",
  };
}
