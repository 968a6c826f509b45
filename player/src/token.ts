/**
 * The license token: the page asks the token service for one per playback, for
 * the asset's content id and the chosen DRM. Pure: `fetch` is passed in.
 */
import type { Fetch } from "./drm";

/**
 * Asks the token service for a PallyCon license token.
 * Sends `Authorization: Bearer <jwt>` when the embedding site signed the viewer in.
 * @returns the token; throws with a viewer-readable reason on failure.
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
  if (response.status === 401 || response.status === 403) {
    throw new Error("You are not allowed to watch this video. Sign in and try again.");
  }
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
