/**
 * The gateway's one route as data: the `{proxy+}` resource, its method and its
 * integration. The resources are made from these definitions and the deployment's
 * trigger is their digest, so any change of them redeploys the stage.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** Every path below the stage goes to the KMS. */
const PROXY_PATH_PART = "{proxy+}";

/** The `{proxy+}` route's definition, for the resources and the deployment's trigger. */
export function proxyDefinition(name: string, kmsUrl: string, encToken: pulumi.Input<string>) {
  // Only SigV4-signed calls from roles allowed execute-api:Invoke get through.
  const method = {
    httpMethod: "ANY",
    authorization: "AWS_IAM",
    requestParameters: { "method.request.path.proxy": true },
  };
  // Proxy to the KMS and add the enc-token there, so it lives only in the integration
  // (secret in state) and never in job settings or endpoint configuration. The
  // packagers' SigV4 headers stop here.
  const integration = {
    httpMethod: method.httpMethod,
    type: "HTTP_PROXY",
    integrationHttpMethod: "ANY",
    uri: `${kmsUrl}/{proxy}`,
    requestParameters: pulumi.secret(encToken).apply((token) => kmsRequestParameters(name, token)),
  };
  return { proxyPathPart: PROXY_PATH_PART, method, integration };
}

/**
 * A digest of everything that defines the API's one route, for the deployment's trigger:
 * any change of the resource, the method or the integration (its request parameters,
 * HTTP methods, type, URI, the token) makes a new deployment.
 */
export function redeploymentDigest(definition: pulumi.Inputs): pulumi.Output<string> {
  return pulumi.output(definition).apply(definitionDigest);
}

/** The digest of a resolved definition: SHA-256 of its JSON, keys sorted. */
export function definitionDigest(definition: unknown): string {
  return createHash("sha256").update(stableJson(definition)).digest("hex");
}

/** JSON with object keys sorted, so equal definitions give equal digests. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Request headers of a packager's SigV4 signature. An `HTTP_PROXY` integration forwards
 * the caller's headers unless its request parameters override them, so each is replaced
 * by an empty literal: the KMS is authenticated by the enc-token, and the caller's
 * signature and session token have no business outside AWS.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html
 */
export const SIGV4_HEADERS = [
  "Authorization",
  "X-Amz-Date",
  "X-Amz-Security-Token",
  "X-Amz-Content-Sha256",
] as const;

/**
 * The integration's request parameters: the proxied path, the SigV4 headers blanked,
 * and the token as a static query parameter (quoted literals, in API Gateway's mapping
 * syntax).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-parameter-mapping.html
 */
export function kmsRequestParameters(name: string, token: string): Record<string, string> {
  // A quote would end API Gateway's literal; tokens are base64 and never hold one.
  if (!token || /['\s]/.test(token)) {
    throw new Error(`PallyConGateway ${name}: the enc-token is empty or malformed.`);
  }
  return {
    "integration.request.path.proxy": "method.request.path.proxy",
    ...Object.fromEntries(
      SIGV4_HEADERS.map((header) => [`integration.request.header.${header}`, "''"]),
    ),
    "integration.request.querystring.enc-token": `'${token}'`,
  };
}
