import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_LICENSE_POLICY,
  LicensePolicySettings,
  validateLicensePolicy,
} from "../shared/pallyCon";
import { SESSION_ROUTE, TOKEN_ROUTE } from "../shared/tokenRoutes";
import {
  CLAIM_NAME_PATTERN,
  DEFAULT_ENTITLEMENT_CLAIM,
  FUNCTION_ARN_PATTERN,
  SCOPE_PATTERN,
} from "../shared/entitlements";
import { SITE_ID_PATTERN } from "../shared/pallyCon";
import { SESSION_SECONDS_RANGE } from "../shared/signedCookies";
import { lambdaFunction } from "./common/lambdaFunction";
import { DEFAULT_LOG_RETENTION_DAYS } from "./common/logRetention";
import { createHttpApi, validateOrigins } from "./licenseTokenService/httpApi";

/** Arguments of {@link LicenseTokenService}. */
export interface LicenseTokenServiceArgs {
  /** The PallyCon site id: 4 uppercase letters or digits. Not secret: it is in every token. */
  readonly siteId: pulumi.Input<string>;
  /** The PallyCon site key (32 characters). Secret: it goes into Secrets Manager only. */
  readonly siteKey: pulumi.Input<string>;
  /** The PallyCon access key. Secret: it goes into Secrets Manager only. */
  readonly accessKey: pulumi.Input<string>;
  /**
   * The identity provider that signs the players' access tokens, an https URL such as
   * `https://cognito-idp.<region>.amazonaws.com/<user pool id>`. API Gateway reads its
   * keys from `<issuer>/.well-known/openid-configuration`.
   */
  readonly jwtIssuer: string;
  /** Accepted `aud` (or, for Cognito access tokens, `client_id`) values; at least one. */
  readonly jwtAudience: string[];
  /**
   * Other sites' player pages that may call the service (CORS), e.g.
   * `https://player.example.com`. Empty means no CORS: the page calls the service on
   * its own origin, through the distribution's `/token` behaviour.
   */
  readonly allowedOrigins: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * What every token's license allows.
   * @default DEFAULT_LICENSE_POLICY (one-day streaming licenses)
   */
  readonly licensePolicy?: LicensePolicySettings;
  /** @default DEFAULT_LOG_RETENTION_DAYS */
  readonly logRetentionDays?: number;
  /**
   * Steady requests per second across all callers. A player asks once per playback start.
   * @default DEFAULT_TOKEN_THROTTLING.rateLimit
   */
  readonly throttlingRateLimit?: number;
  /** Requests allowed in a burst above the steady rate. @default DEFAULT_TOKEN_THROTTLING.burstLimit */
  readonly throttlingBurstLimit?: number;
  /**
   * Also issue CloudFront signed cookies on `POST /session`, for a distribution whose
   * media behaviours trust the key group holding this key pair's public key.
   * @default undefined (no session route)
   */
  readonly signedCookies?: SessionCookiesArgs;
  /**
   * Who may watch what. Nothing is granted by default: a token or a session goes only
   * to a user the claim or the function entitles to the content.
   * @default { claim: "entitlements" } (the claim alone)
   */
  readonly entitlements?: EntitlementArgs;
}

/** How the service decides whether a signed-in user may watch a content id. */
export interface EntitlementArgs {
  /**
   * Any signed-in user may watch everything. For free content only: anyone who can
   * sign in (or register) gets licenses for every asset.
   * @default false
   */
  readonly grantAllSignedIn?: boolean;
  /**
   * The JWT claim listing the content ids the user may watch, or prefixes ending in `*`
   * (`trailers_*`): a list, a JSON list in a string, or space-separated ids.
   * @default "entitlements"
   */
  readonly claim?: string;
  /**
   * OAuth scopes the routes require (API Gateway `authorizationScopes`): tokens
   * without one of them are refused by API Gateway before the function runs.
   * @default [] (none)
   */
  readonly requiredScopes?: string[];
  /**
   * A Lambda function that decides for what the claim does not grant: invoked with
   * `{ "sub", "claims", "cid" }`, it answers `{ "allow": true|false, "reason"?: "..." }`.
   * Answers are reused for 60 s per user and content; a failure is a 503, never a grant.
   * @default undefined (none)
   */
  readonly functionArn?: pulumi.Input<string>;
}

/** What the session route needs to sign CloudFront cookies. */
export interface SessionCookiesArgs {
  /** The CloudFront public key's id (`aws.cloudfront.PublicKey.id`): the Key-Pair-Id cookie. */
  readonly keyPairId: pulumi.Input<string>;
  /**
   * The matching private key, PEM (RSA 2048 or ECDSA P-256). Secret: it goes into the
   * service's Secrets Manager secret only.
   */
  readonly privateKeyPem: pulumi.Input<string>;
  /** The host viewers play from; the cookies grant `https://<playbackDomain>/<asset folder>/*`. */
  readonly playbackDomain: pulumi.Input<string>;
  /** How long a session's cookies are accepted, in seconds (60 to 604800). */
  readonly sessionSeconds: number;
}

/** A player asks once per playback start: these only cap runaway callers. */
export const DEFAULT_TOKEN_THROTTLING = { rateLimit: 50, burstLimit: 100 } as const;
/** A token takes milliseconds to make; the cap covers a cold start and a Secrets Manager call. */
const FUNCTION_TIMEOUT_SECONDS = 10;

/**
 * The token service players ask for PallyCon license tokens: an HTTP API whose route
 * `POST /token` requires a JWT from the configured issuer, in front of a Lambda
 * function that signs a token for the JWT's subject and the content asked for, once it
 * has found that subject entitled to it (see {@link EntitlementArgs}; nothing is granted
 * by default). With `signedCookies`, a second route, `POST /session`, behind the same
 * authorizer, answers with CloudFront signed cookies for the one asset named, under the
 * same entitlement. The site and access keys (and
 * the CloudFront private key) live in Secrets Manager; the function reads them at run
 * time and is allowed to read that one secret only.
 */
export class LicenseTokenService extends pulumi.ComponentResource {
  public readonly secret: aws.secretsmanager.Secret;
  public readonly tokenFunction: aws.lambda.Function;
  public readonly api: aws.apigatewayv2.Api;
  public readonly stage: aws.apigatewayv2.Stage;

  /** Where players post `{ "cid": "...", "drmType": "..." }`: `https://<api>/token`. */
  public readonly tokenUrl: pulumi.Output<string>;
  /** Where players post for signed cookies: `https://<api>/session`; undefined without them. */
  public readonly sessionUrl?: pulumi.Output<string>;
  public readonly apiId: pulumi.Output<string>;
  /**
   * The API's host name, `<api id>.execute-api.<region>.amazonaws.com`, for a CloudFront
   * origin. It depends on the API alone (not on the stage, its routes or the function),
   * so a distribution in front of it can be made before the function.
   */
  public readonly apiHost: pulumi.Output<string>;

  constructor(
    name: string,
    args: LicenseTokenServiceArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    // Validated first, so a bad argument registers nothing.
    validateArgs(args);
    super("vod:index:LicenseTokenService", name, {}, opts);
    const {
      siteId,
      siteKey,
      accessKey,
      jwtIssuer,
      jwtAudience,
      allowedOrigins,
      licensePolicy = DEFAULT_LICENSE_POLICY,
      logRetentionDays = DEFAULT_LOG_RETENTION_DAYS,
      throttlingRateLimit = DEFAULT_TOKEN_THROTTLING.rateLimit,
      throttlingBurstLimit = DEFAULT_TOKEN_THROTTLING.burstLimit,
      signedCookies,
      entitlements = {},
    } = args;
    const parent = { parent: this };
    const requiredScopes = entitlements.requiredScopes ?? [];

    // The keys, in Secrets Manager: secret in Pulumi state too, and never in the function's
    // settings. With signed cookies, the CloudFront private key goes beside them.
    this.secret = new aws.secretsmanager.Secret(
      `${name}-keys`,
      { description: "PallyCon site key and access key for license tokens" },
      parent,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-keys`,
      {
        secretId: this.secret.id,
        secretString: pulumi.secret(
          pulumi.jsonStringify(
            signedCookies
              ? { siteKey, accessKey, cloudFrontPrivateKey: signedCookies.privateKeyPem }
              : { siteKey, accessKey },
          ),
        ),
      },
      parent,
    );

    // Signs tokens. Synchronous behind the API, so no dead-letter queue: the caller sees the error.
    const tokenFunction = lambdaFunction({
      name,
      fn: "licenseToken",
      parent: this,
      description: signedCookies
        ? "Issues PallyCon license tokens and CloudFront signed cookies to signed-in players"
        : "Issues PallyCon license tokens to signed-in players",
      environment: {
        PALLYCON_SECRET_ARN: this.secret.arn,
        PALLYCON_SITE_ID: siteId,
        LICENSE_POLICY: JSON.stringify(licensePolicy),
        // Who may watch what (see functions/licenseToken/entitlement.ts).
        ENTITLEMENT_GRANT_ALL: String(entitlements.grantAllSignedIn ?? false),
        ENTITLEMENT_CLAIM: entitlements.claim ?? DEFAULT_ENTITLEMENT_CLAIM,
        ...(entitlements.functionArn ? { ENTITLEMENT_FUNCTION_ARN: entitlements.functionArn } : {}),
        // Not secret: the key's id and what the cookies grant. The key is in the secret.
        ...(signedCookies
          ? {
              CLOUDFRONT_KEY_PAIR_ID: signedCookies.keyPairId,
              PLAYBACK_DOMAIN: signedCookies.playbackDomain,
              SESSION_SECONDS: String(signedCookies.sessionSeconds),
            }
          : {}),
      },
      statements: [
        {
          Sid: "ReadThePallyConKeys",
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: this.secret.arn,
        },
        // The entitlement function, and no other.
        ...(entitlements.functionArn
          ? [
              {
                Sid: "AskTheEntitlementFunction",
                Effect: "Allow" as const,
                Action: "lambda:InvokeFunction",
                Resource: entitlements.functionArn,
              },
            ]
          : []),
      ],
      logRetentionDays,
      timeout: FUNCTION_TIMEOUT_SECONDS,
    });
    this.tokenFunction = tokenFunction.fn;

    // The HTTP API: the JWT-authorized routes, CORS for the listed origins only, the stage.
    const { api, stage } = createHttpApi({
      name,
      parent: this,
      tokenFunction: this.tokenFunction,
      jwtIssuer,
      jwtAudience,
      allowedOrigins,
      requiredScopes,
      sessionRoute: signedCookies !== undefined,
      logRetentionDays,
      throttlingRateLimit,
      throttlingBurstLimit,
    });
    this.api = api;
    this.stage = stage;

    this.apiId = this.api.id;
    this.apiHost = this.api.apiEndpoint.apply((endpoint) => new URL(endpoint).host);
    const routeUrl = (path: string) =>
      this.stage.invokeUrl.apply((url) => `${url.replace(/\/+$/, "")}${path}`);
    this.tokenUrl = routeUrl(TOKEN_ROUTE.path);
    this.sessionUrl = signedCookies ? routeUrl(SESSION_ROUTE.path) : undefined;
    this.registerOutputs({
      tokenUrl: this.tokenUrl,
      sessionUrl: this.sessionUrl,
      apiId: this.apiId,
      apiHost: this.apiHost,
    });
  }
}

/** Throws, naming the argument, on anything that cannot be right. */
function validateArgs(args: LicenseTokenServiceArgs): void {
  const fail = (message: string): never => {
    throw new Error(`LicenseTokenService: ${message}`);
  };
  let issuer: URL | undefined;
  try {
    issuer = new URL(args.jwtIssuer);
  } catch {
    // Reported below.
  }
  if (issuer?.protocol !== "https:") {
    fail("`jwtIssuer` must be an https URL (API Gateway fetches the issuer's keys over TLS).");
  }
  if (!Array.isArray(args.jwtAudience) || args.jwtAudience.length === 0) {
    fail("`jwtAudience` must name at least one audience.");
  }
  if (args.jwtAudience.some((audience) => typeof audience !== "string" || audience === "")) {
    fail("`jwtAudience` must not contain an empty audience.");
  }
  try {
    validateLicensePolicy(args.licensePolicy ?? DEFAULT_LICENSE_POLICY);
  } catch (error) {
    fail(`${(error as Error).message}.`);
  }
  if (typeof args.siteId === "string" && !SITE_ID_PATTERN.test(args.siteId)) {
    fail("`siteId` must be the 4 uppercase letters or digits PallyCon issued.");
  }
  if (
    Array.isArray(args.allowedOrigins) &&
    args.allowedOrigins.every((o) => typeof o === "string")
  ) {
    validateOrigins(args.allowedOrigins as string[]);
  }
  const sessionSeconds = args.signedCookies?.sessionSeconds;
  const { min, max } = SESSION_SECONDS_RANGE;
  if (
    sessionSeconds !== undefined &&
    !(Number.isInteger(sessionSeconds) && sessionSeconds >= min && sessionSeconds <= max)
  ) {
    fail(
      `\`signedCookies.sessionSeconds\` must be a whole number of seconds from ${min} to ${max}.`,
    );
  }
  validateEntitlements(args.entitlements ?? {});
  for (const key of ["logRetentionDays", "throttlingRateLimit", "throttlingBurstLimit"] as const) {
    const value = args[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      fail(`\`${key}\` must be a positive number.`);
    }
  }
}

/** Throws, naming the field, on entitlement arguments that cannot work. */
export function validateEntitlements(entitlements: EntitlementArgs): void {
  const fail = (message: string): never => {
    throw new Error(`LicenseTokenService: ${message}`);
  };
  const { grantAllSignedIn, claim, requiredScopes, functionArn } = entitlements;
  if (grantAllSignedIn && functionArn) {
    fail(
      "Only one of `entitlements.grantAllSignedIn` or `entitlements.functionArn` can be provided: with the first, the function would never be asked.",
    );
  }
  if (claim !== undefined && !CLAIM_NAME_PATTERN.test(claim)) {
    fail("`entitlements.claim` must be a claim name: 1-256 printable characters, no spaces.");
  }
  if (typeof functionArn === "string" && !FUNCTION_ARN_PATTERN.test(functionArn)) {
    fail("`entitlements.functionArn` must be a Lambda function ARN (arn:aws:lambda:…:function:…).");
  }
  for (const scope of requiredScopes ?? []) {
    if (typeof scope !== "string" || !SCOPE_PATTERN.test(scope)) {
      fail("`entitlements.requiredScopes` entries must be scope names without spaces or quotes.");
    }
  }
}
