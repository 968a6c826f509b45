/** Signed cookies for the output (`signedCookie*`), issued by the license token service. */
import type * as pulumi from "@pulumi/pulumi";
import type { VodSignedCookiesArgs } from "../components/vodPipeline";
import { isKeyPair, SESSION_SECONDS_RANGE, validatePublicKeyPem } from "../shared/signedCookies";
import { signedCookiesDeliveryProblem } from "../components/vodPipeline/deliveryRules";
import type { DeliveryConfig } from "./delivery";
import type { ConfigReader } from "./reader";

/** Signed cookies' settings, as {@link VodSignedCookiesArgs}; present when `signedCookies` is on. */
export interface SignedCookiesConfig extends VodSignedCookiesArgs {
  readonly publicKeyPem: string;
  /** A secret: it goes into the token service's Secrets Manager secret only. */
  readonly privateKeyPem: pulumi.Output<string>;
  readonly sessionSeconds: number;
}

/** Reads signed cookies' settings, or undefined when `signedCookies` is off. */
export function readSignedCookies(
  r: ConfigReader,
  hasTokenService: boolean,
  delivery: DeliveryConfig,
): SignedCookiesConfig | undefined {
  const { check, flag, number, text, key } = r;
  if (!flag("signedCookies")) return undefined;
  check(
    "signedCookies",
    hasTokenService,
    `needs ${key("licenseTokens")} set to true: the token service issues the cookies`,
  );
  // Several aliases, or players on other origins: refused, for the reason the component
  // gives (a cookie Domain would not make them work cleanly).
  const deliveryProblem = signedCookiesDeliveryProblem(delivery);
  if (deliveryProblem) {
    const field =
      deliveryProblem.field === "cdnCorsAllowedOrigins"
        ? "cdnCorsAllowedOrigins"
        : "customDomainAliases";
    check("signedCookies", false, `cannot serve ${key(field)}: ${deliveryProblem.reason}`);
  }

  const publicKeyPem = text("signedCookiePublicKey");
  let publicKeyOk = false;
  try {
    validatePublicKeyPem(publicKeyPem, "the public key");
    publicKeyOk = true;
  } catch (error) {
    check(
      "signedCookiePublicKey",
      false,
      `${(error as Error).message}; set it with \`pulumi config set ${key("signedCookiePublicKey")} -- "$(cat public_key.pem)"\``,
    );
  }
  const sessionSeconds = number("signedCookieSessionSeconds");
  const { min, max } = SESSION_SECONDS_RANGE;
  check(
    "signedCookieSessionSeconds",
    Number.isInteger(sessionSeconds) && sessionSeconds >= min && sessionSeconds <= max,
    `${sessionSeconds} must be a whole number of seconds from ${min} to ${max} ` +
      "(a minute to a week: the sessions this service issues)",
  );
  return {
    publicKeyPem,
    privateKeyPem: r.secret("signedCookiePrivateKey", "signedCookies", (pem) =>
      publicKeyOk && !isKeyPair(pem, publicKeyPem)
        ? "is not the private key of signedCookiePublicKey (or not a PEM private key)"
        : undefined,
    ),
    sessionSeconds,
  };
}
