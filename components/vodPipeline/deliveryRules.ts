/**
 * Delivery's rules, checked before anything is registered: which CORS origins the
 * output may allow, and which deliveries signed cookies can serve. The stack config
 * uses the same checks, so both refuse the same values.
 */
import type { VodDeliveryArgs } from "./delivery";
import { validateCustomDomain } from "./customDomain";

/**
 * Throws, naming the field, on delivery arguments that cannot work together, or that
 * signed cookies (`signedCookies`: the output is served only to browsers holding them)
 * cannot serve.
 */
export function validateDelivery(args: VodDeliveryArgs, signedCookies = false): void {
  if (args.customDomain) validateCustomDomain(args.customDomain);
  const cookieProblem = signedCookies ? signedCookiesDeliveryProblem(args) : undefined;
  if (cookieProblem) {
    throw new Error(
      `VodPipeline: \`signedCookies\` cannot serve \`delivery.${cookieProblem.field}\`: ${cookieProblem.reason}.`,
    );
  }
  // Origins known now are checked now; an Output's are the caller's to check.
  const origins = args.cdnCorsAllowedOrigins;
  for (const origin of Array.isArray(origins) ? origins : []) {
    if (typeof origin !== "string") continue;
    const problem = corsOriginProblem(origin);
    if (problem) {
      throw new Error(
        `VodPipeline: \`delivery.cdnCorsAllowedOrigins\`: ${JSON.stringify(origin)} ${problem}.`,
      );
    }
  }
  if (args.outputKmsEncryption && args.cdnOriginAccess !== "oac") {
    throw new Error(
      'VodPipeline: `delivery.outputKmsEncryption` needs `delivery.cdnOriginAccess: "oac"`: an Origin Access Identity cannot read KMS-encrypted objects.',
    );
  }
}

/**
 * Why signed cookies cannot serve this delivery, naming the field, or undefined.
 *
 * The token service sets the cookies on the playback host that serves `/session`,
 * without a Domain attribute and `SameSite=Strict`, and their policy's resource is
 * `https://<playback host>/*`. So they reach only pages on that host. A Domain attribute
 * would not make other aliases or origins work cleanly: the aliases may not share a
 * parent domain, a Domain widens the cookies to every subdomain of it, the policy's
 * resource would still name one host, and a player on another site would need
 * `SameSite=None` and credentialed CORS on every media request. The program refuses
 * these combinations instead, before anything is deployed.
 */
export function signedCookiesDeliveryProblem(
  args: Pick<VodDeliveryArgs, "cdnCorsAllowedOrigins" | "customDomain">,
): { field: "customDomain.aliases" | "cdnCorsAllowedOrigins"; reason: string } | undefined {
  const aliases = args.customDomain?.aliases;
  if (Array.isArray(aliases) && aliases.length > 1) {
    return {
      field: "customDomain.aliases",
      reason:
        "the cookies are set for the first alias only (the host that serves /session, named in " +
        "their policy), so players on the other aliases would get 403 on every segment; serve " +
        "playback on one alias, or turn signed cookies off",
    };
  }
  const origins = args.cdnCorsAllowedOrigins;
  // A list known only at deployment (an Output) is the caller's to check.
  if (Array.isArray(origins) && origins.length > 0) {
    return {
      field: "cdnCorsAllowedOrigins",
      reason:
        "the cookies are SameSite=Strict and set for the playback host only, so a player on " +
        "another origin never sends them and would get 403 on every segment; serve the player " +
        "from the playback domain (the distribution serves it) and leave the list empty, or " +
        "turn signed cookies off",
    };
  }
  return undefined;
}

const ORIGIN_EXAMPLE = "https://app.example.com";
/** One DNS label: letters, digits and hyphens, not at either end (RFC 1123). */
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Why `origin` is not an origin the bucket's CORS may allow, or undefined when it is one.
 * Shared by the stack config and the component, so both refuse the same origins.
 *
 * An origin is `https://host[:port]`, written as the browser sends it in the `Origin`
 * header, which S3 compares as text: lower case, the host in ASCII (punycode), no
 * default port, no path. Only https: browsers run Encrypted Media Extensions in secure
 * contexts only, and a page served over http can be changed on the way.
 * @see https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 */
export function corsOriginProblem(origin: unknown): string | undefined {
  if (typeof origin !== "string" || origin === "") {
    return `is not an origin like ${ORIGIN_EXAMPLE}`;
  }
  if (origin.includes("*")) {
    return `is not an origin: wildcards are not allowed; list each origin, like ${ORIGIN_EXAMPLE}`;
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(origin);
  if (!scheme) {
    return `is not an origin: it has no scheme; write https://${origin.replace(/\/+$/, "")}`;
  }
  if (scheme[1].toLowerCase() !== "https") {
    return "is not an origin this program allows: only https:// origins are (browsers play DRM-protected media only on secure pages)";
  }
  const rest = origin.slice(scheme[0].length);
  const authority = /^[^/?#]*/.exec(rest)![0];
  const bare = `${scheme[0]}${authority}`;
  if (rest === `${authority}/`) return `is not an origin: it has a trailing slash; write ${bare}`;
  if (rest.length > authority.length) {
    return `is not an origin: it has a path (${rest.slice(authority.length)}); an origin is only the scheme, host and port: ${bare}`;
  }
  if (authority.includes("@")) return "is not an origin: it holds a user name or password";
  const port = /:([^:\]]*)$/.exec(authority)?.[1];
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && +port >= 1 && +port <= 65535)) {
    return "is not an origin: its port must be a number from 1 to 65535";
  }
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `is not an origin like ${ORIGIN_EXAMPLE}: the host is not valid`;
  }
  const host = url.hostname;
  const ipv6 = host.startsWith("[");
  const ipv4 = /^\d+(\.\d+){3}$/.test(host);
  if (!ipv6 && !ipv4 && !host.split(".").every((label) => DNS_LABEL.test(label))) {
    return "is not an origin: the host must be DNS labels of letters, digits and hyphens, separated by dots";
  }
  // What the browser sends: lower case, punycode, no :443.
  if (url.origin !== origin) {
    return `is not an origin as browsers send it; write ${url.origin}`;
  }
  return undefined;
}
