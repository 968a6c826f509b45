/**
 * The local identity provider's sign-in page: it signs the dev user in with a token from
 * the development key and hands it to the player the way a sign-in page on the player's
 * origin does (the `vodPlayer.authToken` session storage key, player/src/main.ts), then
 * opens the page it was asked for. A script file, not inline code: the page keeps a CSP
 * without 'unsafe-inline' like the player's.
 */
export const SIGN_IN_PATH = "/local/sign-in";
export const SIGN_IN_SCRIPT_PATH = "/local/sign-in.js";

/** The sign-in URL that opens `target` (a path on the playback origin) signed in. */
export const signInUrl = (origin: string, target: string): string =>
  `${origin}${SIGN_IN_PATH}?next=${encodeURIComponent(target)}`;

const escapeHtml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const SIGN_IN_PAGE = (user: string): string => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'" />
    <title>Local sign-in</title>
  </head>
  <body>
    <p>Signed in as <strong id="user">${escapeHtml(user)}</strong> with this machine's development key (local preview).</p>
    <script src="${SIGN_IN_SCRIPT_PATH}"></script>
  </body>
</html>
`;

export const SIGN_IN_SCRIPT = `"use strict";
(async () => {
  const response = await fetch("/local/dev-token", { method: "POST" });
  sessionStorage.setItem("vodPlayer.authToken", await response.text());
  const next = new URLSearchParams(location.search).get("next") || "/player/index.html";
  // Only a path on this origin.
  location.replace(next.startsWith("/") && !next.startsWith("//") ? next : "/player/index.html");
})();
`;
