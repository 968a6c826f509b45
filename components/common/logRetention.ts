/** How long the stack's CloudWatch log groups keep their events. */

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** A month: long enough to look into a failed job or a refused key request. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;
