/**
 * The token service's HTTP API: CORS, the JWT authorizer, the token route (and the
 * session route with signed cookies), the throttled, access-logged `$default` stage,
 * and API Gateway's permission to invoke the function for those routes only.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { routeKey, SESSION_ROUTE, TOKEN_ROUTE } from "../../shared/tokenRoutes";

/** How long browsers may reuse a CORS preflight answer. */
const CORS_MAX_AGE_SECONDS = 600;

/** One JSON line per request; no header, body or claim, so no token or user data is logged. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  requestTime: "$context.requestTime",
  sourceIp: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  routeKey: "$context.routeKey",
  status: "$context.status",
  responseLength: "$context.responseLength",
  latencyMs: "$context.responseLatency",
  authorizerError: "$context.authorizer.error",
  integrationError: "$context.integrationErrorMessage",
});

export interface HttpApiArgs {
  /** The owning component's name: the API and the stage take it, the others `${name}-<role>`. */
  readonly name: string;
  readonly parent: pulumi.Resource;
  /** The function that answers both routes. */
  readonly tokenFunction: aws.lambda.Function;
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  /** Empty means no CORS: only same-origin pages (through the distribution) call the API. */
  readonly allowedOrigins: pulumi.Input<pulumi.Input<string>[]>;
  /** OAuth scopes both routes require; empty means none. */
  readonly requiredScopes: string[];
  /** Add `POST /session`, for signed cookies. */
  readonly sessionRoute: boolean;
  readonly logRetentionDays: number;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
}

/** The HTTP API in front of the token function, and its stage. */
export function createHttpApi(args: HttpApiArgs) {
  const { name, parent, tokenFunction, requiredScopes } = args;
  const opts = { parent };

  // API Gateway answers CORS preflights itself, for the listed origins only.
  const api = new aws.apigatewayv2.Api(
    name,
    {
      protocolType: "HTTP",
      description: "PallyCon license tokens for signed-in players",
      corsConfiguration: pulumi
        .output(args.allowedOrigins)
        .apply(validateOrigins)
        .apply((origins) =>
          origins.length === 0
            ? undefined
            : {
                allowOrigins: origins,
                allowMethods: [TOKEN_ROUTE.method, "OPTIONS"],
                allowHeaders: ["authorization", "content-type"],
                maxAge: CORS_MAX_AGE_SECONDS,
              },
        ),
    },
    opts,
  );

  // Only callers with a valid JWT from the issuer, for one of the audiences, get through.
  const authorizer = new aws.apigatewayv2.Authorizer(
    `${name}-jwt`,
    {
      apiId: api.id,
      authorizerType: "JWT",
      identitySources: ["$request.header.Authorization"],
      jwtConfiguration: { issuer: args.jwtIssuer, audiences: args.jwtAudience },
    },
    opts,
  );
  const integration = new aws.apigatewayv2.Integration(
    `${name}-token`,
    {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationUri: tokenFunction.invokeArn,
      integrationMethod: "POST",
      payloadFormatVersion: "2.0",
    },
    opts,
  );
  const route = new aws.apigatewayv2.Route(
    `${name}-token`,
    {
      apiId: api.id,
      routeKey: routeKey(TOKEN_ROUTE),
      authorizationType: "JWT",
      authorizerId: authorizer.id,
      ...(requiredScopes.length > 0 ? { authorizationScopes: requiredScopes } : {}),
      target: pulumi.interpolate`integrations/${integration.id}`,
    },
    opts,
  );

  // Signed cookies for the same signed-in viewers, through the same authorizer and function.
  const sessionRoute = args.sessionRoute
    ? new aws.apigatewayv2.Route(
        `${name}-session`,
        {
          apiId: api.id,
          routeKey: routeKey(SESSION_ROUTE),
          authorizationType: "JWT",
          authorizerId: authorizer.id,
          ...(requiredScopes.length > 0 ? { authorizationScopes: requiredScopes } : {}),
          target: pulumi.interpolate`integrations/${integration.id}`,
        },
        opts,
      )
    : undefined;

  // One access log line per request, kept as long as the function's logs.
  const accessLogs = new aws.cloudwatch.LogGroup(
    `${name}-access`,
    { retentionInDays: args.logRetentionDays },
    opts,
  );
  // The $default stage serves the API at its root and deploys every change.
  const stage = new aws.apigatewayv2.Stage(
    name,
    {
      apiId: api.id,
      name: "$default",
      autoDeploy: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      defaultRouteSettings: {
        throttlingRateLimit: args.throttlingRateLimit,
        throttlingBurstLimit: args.throttlingBurstLimit,
      },
    },
    { parent, dependsOn: sessionRoute ? [route, sessionRoute] : [route] },
  );

  // API Gateway may invoke the function for this API's token route only.
  new aws.lambda.Permission(
    `${name}-apigateway`,
    {
      function: tokenFunction.name,
      action: "lambda:InvokeFunction",
      principal: "apigateway.amazonaws.com",
      sourceArn: pulumi.interpolate`${api.executionArn}/*/${TOKEN_ROUTE.method}${TOKEN_ROUTE.path}`,
    },
    opts,
  );

  // ... and for the session route, when there is one.
  if (sessionRoute) {
    new aws.lambda.Permission(
      `${name}-apigateway-session`,
      {
        function: tokenFunction.name,
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/*/${SESSION_ROUTE.method}${SESSION_ROUTE.path}`,
      },
      opts,
    );
  }

  return { api, stage };
}

/**
 * Checks the CORS origins: each `scheme://host[:port]` with nothing after it, and no
 * `*`: the point is that only the player's pages call the service.
 */
export function validateOrigins(origins: string[]): string[] {
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      // Reported below.
    }
    if (!parsed || !["https:", "http:"].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(
        `LicenseTokenService: \`allowedOrigins\` entry "${origin}" is not an origin such as https://player.example.com (no "*", path or trailing slash).`,
      );
    }
  }
  return origins;
}
