/**
 * The player page's Content-Security-Policy: one builder for the CloudFront
 * response headers policy and the local test server, so the browser tests run
 * under exactly the policy that is deployed.
 *
 * Each source is there because the page was seen to need it in Chromium:
 * - `script-src 'self'`, `style-src 'self'`, `font-src 'self'`: the bundled script,
 *   stylesheet and icon font. Video.js's dynamic <style> is turned off
 *   (VIDEOJS_NO_DYNAMIC_STYLE), so no 'unsafe-inline'; nothing evaluates strings.
 * - `img-src 'self'`: the poster, a thumbnail on the same distribution.
 * - `media-src 'self' blob:`: Media Source Extensions attach through a blob: URL;
 *   'self' for browsers that play HLS natively (Safari) from the distribution.
 * - `worker-src blob:`: Video.js's HTTP streaming transmuxes in a worker it
 *   creates from a blob: URL.
 * - `connect-src 'self' …`: asset.json, config.json, manifests and segments from
 *   the distribution, plus the token service, the license server and the FairPlay
 *   certificate, each named explicitly.
 */

import { PlayerConfig, resolvePlayerConfig } from "./src/config";

/** Options of {@link playerContentSecurityPolicy}. */
export interface PlayerCspOptions {
  /**
   * Origins the page may call besides its own: the token service, the license
   * server, the FairPlay certificate. URLs are reduced to their origin.
   */
  readonly connectSources?: readonly string[];
  /**
   * Origins that may frame the page. Empty means none may.
   * @default []
   */
  readonly frameAncestors?: readonly string[];
}

/** Hosts that may be plain http: the machine itself, for local testing. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * A CSP source for a URL or origin: its origin, https only (http on loopback).
 * Throws on wildcards, keywords and anything that isn't a URL, so a typo can't
 * open the policy up.
 */
export function cspOrigin(source: string): string {
  if (/[*'\s;,]/.test(source)) {
    throw new Error(
      `CSP source "${source}" must be an explicit origin, without wildcards or keywords`,
    );
  }
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new Error(`CSP source "${source}" is not a URL`);
  }
  const secure =
    url.protocol === "https:" ||
    (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.host.replace(/:\d+$/, "")));
  if (!secure) throw new Error(`CSP source "${source}" must be https`);
  return url.origin;
}

/** The page's Content-Security-Policy header value. */
export function playerContentSecurityPolicy(options: PlayerCspOptions = {}): string {
  const unique = (sources: readonly string[]) => [...new Set(sources.map(cspOrigin))];
  const connect = unique(options.connectSources ?? []);
  const ancestors = unique(options.frameAncestors ?? []);
  const directives: Array<[string, ...string[]]> = [
    ["default-src", "'none'"],
    ["script-src", "'self'"],
    ["style-src", "'self'"],
    ["font-src", "'self'"],
    ["img-src", "'self'"],
    ["media-src", "'self'", "blob:"],
    ["worker-src", "blob:"],
    ["connect-src", "'self'", ...connect],
    ["frame-ancestors", ...(ancestors.length > 0 ? ancestors : ["'none'"])],
    ["base-uri", "'none'"],
    ["form-action", "'none'"],
  ];
  return directives.map((directive) => directive.join(" ")).join("; ");
}

/**
 * The origins a player configuration calls: its token and session services, license
 * server (PallyCon's by default) and certificate.
 */
export function playerConnectSources(config: PlayerConfig): string[] {
  const { tokenUrl, sessionUrl, licenseUrl, fairplayCertificateUrl } = resolvePlayerConfig(config);
  // A path is on the page's own origin, which 'self' already allows.
  const urls = [tokenUrl, sessionUrl, licenseUrl, fairplayCertificateUrl].filter(
    (url): url is string => !!url && !url.startsWith("/"),
  );
  return [...new Set(urls.map(cspOrigin))];
}

/**
 * The other security headers the page is served with. The response headers policy
 * sets them on CloudFront and the test server sends the same.
 */
export const PLAYER_SECURITY_HEADERS = {
  /** Two years, the value HSTS preload lists ask for. */
  hstsMaxAgeSeconds: 63_072_000,
  /** Other sites (the license server too) see the origin only, never the page's query. */
  referrerPolicy: "strict-origin-when-cross-origin",
  /** Matches frame-ancestors 'none' for browsers that only know X-Frame-Options. */
  frameOption: "DENY",
} as const;

/** Every security header of the page as HTTP headers (lower-case names), CSP included. */
export function playerHttpHeaders(options: PlayerCspOptions = {}): Record<string, string> {
  const { hstsMaxAgeSeconds, referrerPolicy, frameOption } = PLAYER_SECURITY_HEADERS;
  return {
    "content-security-policy": playerContentSecurityPolicy(options),
    "strict-transport-security": `max-age=${hstsMaxAgeSeconds}; includeSubDomains`,
    "x-content-type-options": "nosniff",
    "referrer-policy": referrerPolicy,
    "x-frame-options": frameOption,
  };
}
