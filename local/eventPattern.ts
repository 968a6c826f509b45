/**
 * EventBridge's event pattern matching, for the patterns the stack's rules use: each
 * field of the pattern is a list of exact values, or an object matched against the
 * event's field of that name (EventBridge User Guide, "Event patterns"). Content filters
 * (`prefix`, `anything-but`, `numeric`, …) are refused rather than guessed at.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (typeof event !== "object" || event === null) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = (event as Record<string, unknown>)[field];
    if (Array.isArray(expected)) {
      for (const value of expected) {
        if (typeof value === "object" && value !== null) {
          throw new Error(`The event pattern's filter on "${field}" is not supported locally`);
        }
      }
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((value) => expected.includes(value));
    }
    if (typeof expected === "object" && expected !== null) {
      return matchesPattern(expected as Record<string, unknown>, actual);
    }
    throw new Error(`The event pattern's "${field}" must be a list or an object`);
  });
}
