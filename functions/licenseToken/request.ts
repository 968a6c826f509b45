/**
 * Turns one API Gateway request into either a token request or a refusal.
 * Pure: no I/O, so every decision is tested without AWS.
 *
 * The one form accepted: `POST /token` with `{ "cid": "...", "drmType": "Widevine" }`,
 * behind the JWT authorizer, which has already checked the caller's token. The user
 * id is the JWT's `sub` claim, never anything the body says.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { CONTENT_ID_RULE, isValidContentId } from "../../shared/drm";
import { DRM_TYPES, DrmType } from "./token";

/**
 * The JWT `sub` becomes the token's PallyCon `user_id`, which the license server logs and
 * reports on: at most this many characters, printable ASCII only (space to `~`). Subjects
 * of common identity providers fit (a Cognito UUID, `auth0|…`, a Google number, an email);
 * control characters, other Unicode or a huge claim are refused, not passed on.
 */
export const MAX_USER_ID_LENGTH = 256;
const USER_ID = /^[\x20-\x7e]+$/;
export const USER_ID_RULE = `1–${MAX_USER_ID_LENGTH} printable ASCII characters`;

/** Larger bodies are refused before parsing: a real request is well under 300 bytes. */
export const MAX_BODY_BYTES = 4096;

/** What to do with one request. */
export type TokenRequestPlan =
  | {
      readonly action: "issue";
      readonly userId: string;
      readonly cid: string;
      readonly drmType: DrmType;
    }
  | { readonly action: "refuse"; readonly status: 400 | 401 | 413; readonly error: string };

const refuse = (status: 400 | 401 | 413, error: string): TokenRequestPlan => ({
  action: "refuse",
  status,
  error,
});

/** Plans one request. */
export function planTokenRequest(event: APIGatewayProxyEventV2WithJWTAuthorizer): TokenRequestPlan {
  const sub = event.requestContext?.authorizer?.jwt?.claims?.sub;
  if (typeof sub !== "string" || sub.trim() === "") {
    return refuse(401, "The access token has no sub claim to issue the license to");
  }
  // Never echoed: the claim is whatever the identity provider put there.
  if (sub.length > MAX_USER_ID_LENGTH || !USER_ID.test(sub)) {
    return refuse(
      400,
      `The access token's sub claim must be ${USER_ID_RULE} to go into a license token as user_id`,
    );
  }

  const raw = event.body ?? "";
  const body = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
    return refuse(413, `The request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return refuse(400, 'The request body must be JSON: { "cid": "...", "drmType": "..." }');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return refuse(
      400,
      'The request body must be a JSON object: { "cid": "...", "drmType": "..." }',
    );
  }

  const { cid, drmType } = parsed as Record<string, unknown>;
  if (!isValidContentId(cid)) return refuse(400, `cid must be ${CONTENT_ID_RULE}`);
  if (!(DRM_TYPES as readonly unknown[]).includes(drmType)) {
    return refuse(400, `drmType must be one of ${DRM_TYPES.join(", ")} (case-sensitive)`);
  }
  return { action: "issue", userId: sub, cid, drmType: drmType as DrmType };
}
