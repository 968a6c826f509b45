/**
 * What the token service's configuration and its function agree on about entitlements:
 * the default claim name and the shape of the names and ARNs they accept.
 */

/** The JWT claim that lists the content ids a user may watch, unless configured otherwise. */
export const DEFAULT_ENTITLEMENT_CLAIM = "entitlements";

/** A JWT claim name: 1-256 printable ASCII characters, no spaces. */
export const CLAIM_NAME_PATTERN = /^[\x21-\x7e]{1,256}$/;

/** A Lambda function ARN, optionally with a version or alias. */
export const FUNCTION_ARN_PATTERN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;

/** An OAuth scope as API Gateway matches it: printable ASCII without spaces or quotes. */
export const SCOPE_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/;
