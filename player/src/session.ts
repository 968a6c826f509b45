/**
 * The playback session: with protected clear playback, the distribution serves media
 * only to browsers holding CloudFront signed cookies, which the session service sets
 * for a signed-in viewer entitled to the asset, for that asset's folder only. The page
 * asks for them once, naming the asset, before it loads anything to play. Pure: `fetch`
 * is passed in.
 */
import { MESSAGES, PlayerMessage } from "./messages";

/** The parts of `fetch` the session request uses, so tests can pass a fake. */
export type SessionFetch = (
  url: string,
  init: {
    method: "POST";
    headers: Record<string, string>;
    body: string;
    credentials: "same-origin";
  },
) => Promise<{ ok: boolean; status: number }>;

export type SessionOutcome =
  { readonly kind: "started" } | { readonly kind: "message"; readonly message: PlayerMessage };

/**
 * Starts a session: `POST <sessionUrl>` with `{ "asset": "<upload key>" }`, and
 * `Authorization: Bearer <jwt>` when the viewer is signed in. The answer's `Set-Cookie`
 * headers are the browser's business (the cookies are HttpOnly): `credentials:
 * "same-origin"` lets it store them. 401 means the viewer must sign in, 403 that they
 * are not entitled to the asset; anything else that fails, try later.
 */
export async function startSession(args: {
  fetch: SessionFetch;
  sessionUrl: string;
  /** The upload key of the asset to play. */
  asset: string;
  authorization?: string;
}): Promise<SessionOutcome> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (args.authorization) headers.Authorization = `Bearer ${args.authorization}`;
  let response: Awaited<ReturnType<SessionFetch>>;
  try {
    response = await args.fetch(args.sessionUrl, {
      method: "POST",
      headers,
      body: JSON.stringify({ asset: args.asset }),
      credentials: "same-origin",
    });
  } catch {
    return { kind: "message", message: MESSAGES.unavailable };
  }
  if (response.status === 401) return { kind: "message", message: MESSAGES.signIn };
  if (response.status === 403) return { kind: "message", message: MESSAGES.notEntitled };
  if (!response.ok) return { kind: "message", message: MESSAGES.unavailable };
  return { kind: "started" };
}
