import { DEFAULT_MAX_ATTEMPTS, StandardRetryStrategy } from "@smithy/core/retry";
import type { RetryErrorInfo, RetryErrorType, StandardRetryToken } from "@smithy/types";

/**
 * The AWS SDK's standard retry strategy, as a deployed client has it, without the waits:
 * the SDK still decides which failures are retried (throttling and transient errors, not
 * client errors), how many attempts are made and what the retry quota allows, but the
 * back-off between attempts is zero instead of seconds of real time. Pass it to a client
 * as `retryStrategy`; it records how the SDK classed each failure it retried.
 */
export class InstantRetries extends StandardRetryStrategy {
  /** The kind of each failure the SDK retried, in order (`THROTTLING`, `TRANSIENT`, …). */
  readonly retried: RetryErrorType[] = [];

  /** @param maxAttempts as the deployed client sets it; the SDK's default otherwise (3). */
  constructor(maxAttempts: number = DEFAULT_MAX_ATTEMPTS) {
    super({
      maxAttempts,
      backoff: { setDelayBase: () => {}, computeNextBackoffDelay: () => 0 },
    });
  }

  override async refreshRetryTokenForRetry(
    token: StandardRetryToken,
    errorInfo: RetryErrorInfo,
  ): Promise<StandardRetryToken> {
    // Throws when the SDK would not retry: the failure is then the call's.
    const next = await super.refreshRetryTokenForRetry(token, errorInfo);
    this.retried.push(errorInfo.errorType);
    return next;
  }
}
