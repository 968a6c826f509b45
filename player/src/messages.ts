/** What the page tells a viewer instead of showing a blank player. */

/** A message shown over the player: a short title and, optionally, a detail line. */
export interface PlayerMessage {
  readonly kind:
    | "not-found"
    | "processing"
    | "failed"
    | "playback"
    | "unsupported"
    | "invalid"
    | "sign-in"
    | "not-entitled";
  readonly title: string;
  readonly detail?: string;
}

export const MESSAGES = {
  noRequest: {
    kind: "invalid",
    title: "No video selected.",
    detail: "Open this page with ?asset=<uploaded video's key> or ?src=<manifest URL>.",
  },
  notFound: {
    kind: "not-found",
    title: "This video was not found.",
    detail: "Check the link, or upload the video if it hasn't been uploaded yet.",
  },
  processing: {
    kind: "processing",
    title: "This video is still being processed.",
    detail: "Try again in a few minutes.",
  },
  unavailable: {
    kind: "failed",
    title: "This video can't be loaded right now.",
    detail: "Try again later.",
  },
  noStream: {
    kind: "failed",
    title: "This video has no playable stream.",
  },
  signIn: {
    kind: "sign-in",
    title: "Sign in to watch this video.",
    detail: "You are not signed in, or your session has ended. Sign in, then reload this page.",
  },
  notEntitled: {
    kind: "not-entitled",
    title: "You don't have access to this video.",
    detail: "Your account is not entitled to watch it.",
  },
  noKeySystem: {
    kind: "unsupported",
    title: "This browser can't play protected video.",
    detail: "Use a browser with Widevine, PlayReady or FairPlay support.",
  },
} as const satisfies Record<string, PlayerMessage>;

/** A failure that has its own message for the viewer, rather than a generic one. */
export class PlayerMessageError extends Error {
  constructor(public readonly playerMessage: PlayerMessage) {
    super(playerMessage.title);
    this.name = "PlayerMessageError";
  }
}

/** The message for a MediaConvert job that failed, with its error when there is one. */
export function processingFailed(error?: { code?: number; message?: string }): PlayerMessage {
  const code = error?.code !== undefined ? ` (error ${error.code})` : "";
  return {
    kind: "failed",
    title: "This video could not be processed.",
    detail: error?.message ? `${error.message}${code}` : code ? `Error${code}.` : undefined,
  };
}

/** The message for a request the page refuses to follow. */
export function invalidRequest(detail: string): PlayerMessage {
  return { kind: "invalid", title: "This link is not valid.", detail };
}

/** The message for a failure while setting up DRM (token, license, key system). */
export function protectionFailed(detail: string): PlayerMessage {
  return { kind: "failed", title: "This protected video can't be played.", detail };
}

/**
 * The message for a license the license server refused (PallyCon answers HTTP 200 with
 * `{ "errorCode", "message" }`): its code, which PallyCon's error list explains.
 */
export function licenseRefused(refusal: { errorCode: string; message?: string }): PlayerMessage {
  const detail = refusal.message
    ? `${refusal.message} (license error ${refusal.errorCode})`
    : `License error ${refusal.errorCode}.`;
  return { kind: "playback", title: "The license server refused to play this video.", detail };
}

/** The message for the player's own error event, from its MediaError. */
export function playbackFailed(
  error?: { code?: number; message?: string; originalError?: unknown } | null,
): PlayerMessage {
  // videojs-contrib-eme keeps the license request's own error as `originalError`.
  const refusal = (error?.originalError as { licenseRefusal?: unknown } | undefined)
    ?.licenseRefusal as { errorCode?: unknown; message?: unknown } | undefined;
  if (refusal && typeof refusal.errorCode === "string") {
    return licenseRefused({
      errorCode: refusal.errorCode,
      message: typeof refusal.message === "string" ? refusal.message : undefined,
    });
  }
  const known: Record<number, string> = {
    1: "Playback was aborted.",
    2: "A network error stopped playback.",
    3: "The video could not be decoded.",
    4: "The video could not be loaded.",
    5: "The video could not be decrypted.",
  };
  // A sentence a viewer understands first; the technical message only when there is none.
  const detail = (error?.code ? known[error.code] : undefined) ?? (error?.message || undefined);
  return { kind: "playback", title: "This video can't be played.", detail };
}
