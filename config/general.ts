/** The general settings: the stack's name for its jobs, notifications, logs and buckets. */
import * as pulumi from "@pulumi/pulumi";
import { APPLICATION_NAME_KEY, LOG_RETENTION_DAYS } from "./keys";
import type { ConfigReader } from "./reader";

/** The general settings, as `VodPipelineArgs` takes them. */
export interface GeneralConfig {
  /** Tags MediaConvert jobs and filters their events, so stacks in one account don't mix. */
  readonly applicationName: string;
  /** Email address subscribed to job notifications; empty for none. */
  readonly notificationEmail: string;
  readonly logRetentionDays: number;
  readonly forceDestroyBuckets: boolean;
  /** Days after which uploads are deleted; 0 keeps them. */
  readonly uploadExpirationDays: number;
}

/** MediaConvert job user metadata and the event rule filter on it: 1-64 of these. */
const APPLICATION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const APPLICATION_NAME_MAX_LENGTH = 64;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Reads the general settings; the application name defaults to `<project>-<stack>`. */
export function readGeneral(r: ConfigReader): GeneralConfig {
  const { config, read, check, key, text, number, flag } = r;

  const defaultApplicationName = `${pulumi.getProject()}-${pulumi.getStack()}`;
  const applicationName = read(() => config.get(APPLICATION_NAME_KEY), defaultApplicationName);
  check(
    APPLICATION_NAME_KEY,
    applicationName.length <= APPLICATION_NAME_MAX_LENGTH ||
      applicationName !== defaultApplicationName,
    `defaults to "<project>-<stack>", which for this stack is ${applicationName.length} characters, ` +
      `more than ${APPLICATION_NAME_MAX_LENGTH}: set a shorter one with ` +
      `\`pulumi config set ${key(APPLICATION_NAME_KEY)} <name>\``,
  );
  check(
    APPLICATION_NAME_KEY,
    applicationName === defaultApplicationName ||
      applicationName.length <= APPLICATION_NAME_MAX_LENGTH,
    `"${applicationName}" is ${applicationName.length} characters; at most ${APPLICATION_NAME_MAX_LENGTH} are allowed`,
  );
  check(
    APPLICATION_NAME_KEY,
    APPLICATION_NAME.test(applicationName),
    `"${applicationName}" must be letters, digits, '.', '_' or '-', starting with a letter or digit`,
  );

  const notificationEmail = text("notificationEmail");
  check(
    "notificationEmail",
    notificationEmail === "" || EMAIL.test(notificationEmail),
    `"${notificationEmail}" is not an email address`,
  );

  const logRetentionDays = number("logRetentionDays");
  check(
    "logRetentionDays",
    (LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays),
    `${logRetentionDays} must be one of ${LOG_RETENTION_DAYS.join(", ")} (the retention periods CloudWatch Logs accepts)`,
  );

  const uploadExpirationDays = number("uploadExpirationDays");
  check(
    "uploadExpirationDays",
    Number.isInteger(uploadExpirationDays) && uploadExpirationDays >= 0,
    `${uploadExpirationDays} must be a whole number of days (0 keeps uploads): S3 lifecycle expiration takes a positive whole number of days`,
  );

  return {
    applicationName,
    notificationEmail,
    logRetentionDays,
    forceDestroyBuckets: flag("forceDestroyBuckets"),
    uploadExpirationDays,
  };
}
