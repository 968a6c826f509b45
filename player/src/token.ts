/**
 * The license token: the page asks the token service for one per playback, for
 * the asset's content id and the chosen DRM. Pure: `fetch` is passed in.
 */
import type { Fetch } from "./drm";
import { MESSAGES, PlayerMessageError } from "./messages";

/**
 * Asks the token service for a PallyCon license token.
 * Sends `Authorization: Bearer <jwt>` when the embedding site signed the viewer in.
 * @returns the token; throws with a viewer-readable reason on failure: a
 * {@link PlayerMessageError} asking to sign in on 401, or saying the viewer has no
 * access on 403 (the service's answer to a viewer not entitled to this content).
 */
export async function requestLicenseToken(args: {
  fetch: Fetch;
  tokenUrl: string;
  contentId: string;
  drmType: string;
  authorization?: string;
}): Promise<string> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (args.authorization) headers.Authorization = `Bearer ${args.authorization}`;
  let response: Awaited<ReturnType<Fetch>>;
  try {
    response = await args.fetch(args.tokenUrl, {
      method: "POST",
      headers,
      body: JSON.stringify({ cid: args.contentId, drmType: args.drmType }),
    });
  } catch {
    throw new Error("The license service could not be reached.");
  }
  if (response.status === 401) throw new PlayerMessageError(MESSAGES.signIn);
  if (response.status === 403) throw new PlayerMessageError(MESSAGES.notEntitled);
  if (!response.ok) throw new Error(`The license service answered HTTP ${response.status}.`);
  let token: unknown;
  try {
    token = (JSON.parse(await response.text()) as { token?: unknown }).token;
  } catch {
    token = undefined;
  }
  if (typeof token !== "string" || token === "") {
    throw new Error("The license service sent no token.");
  }
  return token;
}
