/**
 * The content id (CID) rule as the token service applies it to requests: the
 * project's one rule ({@link CONTENT_ID_PATTERN}), so a token can only be asked for
 * an id that packaging could have used.
 */
import { CONTENT_ID_PATTERN } from "../shared/drm";

export { CONTENT_ID_PATTERN } from "../shared/drm";

/** Says what a valid content id is, for error messages. */
export const CONTENT_ID_RULE = "1–200 characters of 0-9, A-Z, a-z, _ and -";

/** Whether a value from a request body is a valid content id. */
export function isValidContentId(value: unknown): value is string {
  return typeof value === "string" && CONTENT_ID_PATTERN.test(value);
}
