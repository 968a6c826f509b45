import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import type { JsonWebKey } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import * as path from "node:path";
import { createEntitlementCheck, claimEntries } from "../functions/licenseToken/entitlement";
import { createLicenseToken, LicenseTokenInput } from "../functions/licenseToken/token";
import { DRM_SYSTEM_IDS } from "../shared/drm";
import {
  COMMON_SYSTEM_ID,
  CPIX_NAMESPACE,
  PSKC_NAMESPACE,
  SPEKE_NAMESPACE,
} from "../local/drm/cpix";
import { createJwtIssuer, issuerDocument } from "../local/drm/jwt";
import { createJwtAuthorizer, flattenClaim } from "../local/drm/jwtAuthorizer";
import { createKeyStore, KeyStore } from "../local/drm/keyStore";
import { startLicenseServer } from "../local/drm/licenseServer";
import { parsePsshBox } from "../local/drm/pssh";
import { startSpekeServer, SpekeServer } from "../local/drm/speke";
import { childElements, parseXml, XmlElement } from "../local/drm/xml";
import { TEST_ACCESS_KEY, TEST_SITE_ID, TEST_SITE_KEY } from "./support/pallyCon";
import { processTempFolder } from "./support/tempFolders";

const KID = "98ee5596-cd3e-a20d-163a-e382420c6eff";
const OTHER_KID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/** A CPIX request shaped as MediaConvert's SPEKE v1 requests (AWS's VOD example). */
function cpixRequest(contentId: string, systems: Record<string, string>, kid = KID): string {
  const drmSystems = Object.entries(systems)
    .map(
      ([systemId, asks]) =>
        `<cpix:DRMSystem kid="${kid}" systemId="${systemId}">${asks}</cpix:DRMSystem>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<cpix:CPIX id="${contentId}" xmlns:cpix="${CPIX_NAMESPACE}" xmlns:pskc="${PSKC_NAMESPACE}" xmlns:speke="${SPEKE_NAMESPACE}">` +
    `<cpix:ContentKeyList><cpix:ContentKey kid="${kid}"></cpix:ContentKey></cpix:ContentKeyList>` +
    `<cpix:DRMSystemList>${drmSystems}</cpix:DRMSystemList></cpix:CPIX>`
  );
}

const DASH_SYSTEMS = {
  [DRM_SYSTEM_IDS.Widevine]: "<cpix:PSSH></cpix:PSSH>",
  [DRM_SYSTEM_IDS.PlayReady]:
    "<speke:ProtectionHeader></speke:ProtectionHeader><cpix:PSSH></cpix:PSSH>",
};
const HLS_SYSTEMS = {
  [DRM_SYSTEM_IDS.FairPlay]:
    "<cpix:URIExtXKey></cpix:URIExtXKey><speke:KeyFormat></speke:KeyFormat><speke:KeyFormatVersions></speke:KeyFormatVersions>",
};

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", body, headers: { "content-type": "application/xml", ...headers } });

const textOf = (element: XmlElement | undefined) =>
  element?.children.map((child) => (child.kind === "text" ? child.text : "")).join("") ?? "";

/** The answered document's content key and DRM systems. */
function readAnswer(xml: string) {
  const root = parseXml(xml);
  const [keyList] = childElements(root, CPIX_NAMESPACE, "ContentKeyList");
  const [contentKey] = childElements(keyList, CPIX_NAMESPACE, "ContentKey");
  const [data] = childElements(contentKey, CPIX_NAMESPACE, "Data");
  const [secret] = childElements(data, PSKC_NAMESPACE, "Secret");
  const key = Buffer.from(textOf(childElements(secret, PSKC_NAMESPACE, "PlainValue")[0]), "base64");
  const [systemList] = childElements(root, CPIX_NAMESPACE, "DRMSystemList");
  const systems = new Map(
    childElements(systemList, CPIX_NAMESPACE, "DRMSystem").map((system) => [
      system.attributes.get("systemId"),
      (namespace: string, name: string) => textOf(childElements(system, namespace, name)[0]),
    ]),
  );
  return { root, key, systems };
}

describe("the local SPEKE key server (PallyCon KMS stand-in)", () => {
  let keys: KeyStore;
  let speke: SpekeServer;
  beforeEach(async () => {
    keys = createKeyStore();
    speke = await startSpekeServer({ keys });
  });
  afterEach(() => speke.close());

  it("answers MediaConvert's DASH request with the key and a Widevine and a PlayReady pssh", async () => {
    const response = await post(speke.url, cpixRequest("trailer_1", DASH_SYSTEMS));
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /application\/xml/);
    const { root, key, systems } = readAnswer(await response.text());
    assert.equal(root.attributes.get("id"), "trailer_1");
    assert.equal(key.length, 16);
    assert.deepEqual(keys.issued("trailer_1", KID), key);

    const widevine = parsePsshBox(
      Buffer.from(systems.get(DRM_SYSTEM_IDS.Widevine)!(CPIX_NAMESPACE, "PSSH"), "base64"),
    );
    assert.equal(widevine.version, 0);
    assert.equal(widevine.systemId, DRM_SYSTEM_IDS.Widevine);
    assert.ok(widevine.data.includes(Buffer.from(KID.replace(/-/g, ""), "hex")), "names the kid");
    assert.ok(widevine.data.includes(Buffer.from("trailer_1")), "names the content id");

    const playReady = systems.get(DRM_SYSTEM_IDS.PlayReady)!;
    const pssh = parsePsshBox(Buffer.from(playReady(CPIX_NAMESPACE, "PSSH"), "base64"));
    assert.equal(pssh.systemId, DRM_SYSTEM_IDS.PlayReady);
    const header = pssh.data.subarray(10).toString("utf16le");
    // PlayReady writes the GUID's first three fields little-endian.
    assert.match(header, /<KID>llXumD7NDaIWOuOCQgxu\/w==<\/KID>/);
    assert.equal(
      Buffer.from(playReady(SPEKE_NAMESPACE, "ProtectionHeader"), "base64").compare(pssh.data),
      0,
    );
    assert.deepEqual(speke.requests.at(-1), {
      method: "POST",
      path: "/cpix/getKey",
      status: 200,
      contentId: "trailer_1",
      keyIds: [KID],
      systemIds: [DRM_SYSTEM_IDS.Widevine, DRM_SYSTEM_IDS.PlayReady],
    });
  });

  it("answers the FairPlay HLS request with the skd:// URI of the content id", async () => {
    const response = await post(
      `${speke.url}?enc-token=anything`,
      cpixRequest("trailer_1", HLS_SYSTEMS),
    );
    assert.equal(response.status, 200);
    const fairPlay = readAnswer(await response.text()).systems.get(DRM_SYSTEM_IDS.FairPlay)!;
    const decoded = (name: string, namespace = SPEKE_NAMESPACE) =>
      Buffer.from(fairPlay(namespace, name), "base64").toString("utf8");
    assert.equal(decoded("URIExtXKey", CPIX_NAMESPACE), "skd://trailer_1");
    assert.equal(decoded("KeyFormat"), "com.apple.streamingkeydelivery");
    assert.equal(decoded("KeyFormatVersions"), "1");
    assert.equal(fairPlay(CPIX_NAMESPACE, "PSSH"), "");
  });

  it("answers the common system id with a version 1 pssh listing the kid", async () => {
    const response = await post(
      speke.url,
      cpixRequest("trailer_1", { [COMMON_SYSTEM_ID]: "<cpix:PSSH/>" }),
    );
    const common = readAnswer(await response.text()).systems.get(COMMON_SYSTEM_ID)!;
    const pssh = parsePsshBox(Buffer.from(common(CPIX_NAMESPACE, "PSSH"), "base64"));
    assert.deepEqual([pssh.version, pssh.keyIds, pssh.data.length], [1, [KID], 0]);
  });

  it("gives the same key for the same content id and kid, another for another content id", async () => {
    const keyOf = async (contentId: string) =>
      readAnswer(await (await post(speke.url, cpixRequest(contentId, DASH_SYSTEMS))).text()).key;
    const first = await keyOf("trailer_1");
    assert.deepEqual(await keyOf("trailer_1"), first);
    assert.notDeepEqual(await keyOf("trailer_2"), first);
    assert.deepEqual(keys.keyIds("trailer_1"), [KID]);
    assert.deepEqual(keys.keyIds("trailer_3"), []);
  });

  for (const [what, body, message] of [
    ["a body that is not XML", "kid=1", /not XML/],
    ["unbalanced XML", `<cpix:CPIX xmlns:cpix="${CPIX_NAMESPACE}" id="a">`, /not closed/],
    ["a document that is not CPIX", "<CPIX id='a'/>", /not a CPIX document/],
    ["a document without an id", cpixRequest("", DASH_SYSTEMS), /CPIX@id/],
    [
      "a content key without a kid",
      cpixRequest("trailer_1", DASH_SYSTEMS).replace(
        `<cpix:ContentKey kid="${KID}">`,
        "<cpix:ContentKey>",
      ),
      /ContentKey@kid/,
    ],
    [
      "an unknown system id",
      cpixRequest("trailer_1", { "81376844-f976-481e-a84e-cc25d39b0b33": "<cpix:URIExtXKey/>" }),
      /not a supported DRM system/,
    ],
    [
      "a DRM system for a kid it does not list",
      cpixRequest("trailer_1", DASH_SYSTEMS).replace(
        `<cpix:ContentKey kid="${KID}">`,
        `<cpix:ContentKey kid="${OTHER_KID}">`,
      ),
      /not a cpix:ContentKey kid/,
    ],
    [
      "a DTD",
      `<!DOCTYPE x [<!ENTITY e "e">]>${cpixRequest("trailer_1", DASH_SYSTEMS)}`,
      /Document type/,
    ],
  ] as const) {
    it(`refuses ${what} with 400 and a message, issuing no key`, async () => {
      const response = await post(speke.url, body);
      assert.equal(response.status, 400);
      assert.match(await response.text(), message);
      assert.deepEqual(keys.keyIds("trailer_1"), []);
    });
  }

  it("answers the heartbeat with SUCCESS, and only POST on the key path", async () => {
    const heartbeat = await fetch(speke.heartbeatUrl);
    assert.deepEqual([heartbeat.status, await heartbeat.text()], [200, "SUCCESS"]);
    assert.match(speke.heartbeatUrl, /\/cpix\/getKey\/heartbeat$/);
    assert.equal((await fetch(speke.url)).status, 405);
  });

  it("serves https when given a key and certificate", async function () {
    const folder = processTempFolder("local-drm-tls-");
    const [keyFile, certFile] = [path.join(folder, "key.pem"), path.join(folder, "cert.pem")];
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "1",
          "-subj",
          "/CN=127.0.0.1",
          "-addext",
          "subjectAltName=IP:127.0.0.1",
          "-keyout",
          keyFile,
          "-out",
          certFile,
        ],
        { stdio: "ignore" },
      );
    } catch {
      return this.skip(); // no openssl here
    }
    const cert = readFileSync(certFile);
    const tlsSpeke = await startSpekeServer({ keys, tls: { key: readFileSync(keyFile), cert } });
    try {
      assert.match(tlsSpeke.url, /^https:\/\/127\.0\.0\.1:\d+\/cpix\/getKey$/);
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpsRequest(
          `${tlsSpeke.url}`,
          { method: "POST", ca: cert },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on("error", reject);
        request.end(cpixRequest("trailer_1", DASH_SYSTEMS));
      });
      assert.equal(status, 200);
    } finally {
      await tlsSpeke.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("the local license server (PallyCon license server stand-in, ClearKey)", () => {
  const PAGE_ORIGIN = "http://127.0.0.1:8080";
  const NOW = new Date("2026-11-20T10:00:00Z");
  const KID_B64URL = Buffer.from(KID.replace(/-/g, ""), "hex").toString("base64url");
  let keys: KeyStore;
  let clock: Date;
  let license: Awaited<ReturnType<typeof startLicenseServer>>;

  beforeEach(async () => {
    keys = createKeyStore();
    keys.issue("trailer_1", KID);
    clock = NOW;
    license = await startLicenseServer({
      siteId: TEST_SITE_ID,
      siteKey: TEST_SITE_KEY,
      accessKey: TEST_ACCESS_KEY,
      keys,
      pageOrigin: PAGE_ORIGIN,
      now: () => clock,
    });
  });
  afterEach(() => license.close());

  /** A token made by the token service's own code. */
  const token = (changes: Partial<LicenseTokenInput> = {}) =>
    createLicenseToken({
      drmType: "Widevine",
      siteId: TEST_SITE_ID,
      siteKey: TEST_SITE_KEY,
      accessKey: TEST_ACCESS_KEY,
      userId: "dev-user",
      cid: "trailer_1",
      policy: {
        policy_version: 2,
        playback_policy: { persistent: false, license_duration: 86400 },
      },
      timestamp: NOW,
      ...changes,
    });

  const askLicense = async (licenseToken: string | undefined, body?: string) => {
    const response = await fetch(license.licenseUrl, {
      method: "POST",
      headers: {
        origin: PAGE_ORIGIN,
        "content-type": "application/json",
        ...(licenseToken === undefined ? {} : { "pallycon-customdata-v2": licenseToken }),
      },
      body: body ?? JSON.stringify({ kids: [KID_B64URL], type: "temporary" }),
    });
    return { response, answer: (await response.json()) as Record<string, unknown> };
  };

  it("answers a valid token for the content the key was issued for with the ClearKey key", async () => {
    const { response, answer } = await askLicense(token());
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("access-control-allow-origin"), PAGE_ORIGIN);
    assert.deepEqual(answer, {
      keys: [
        { kty: "oct", kid: KID_B64URL, k: keys.issued("trailer_1", KID)!.toString("base64url") },
      ],
      type: "temporary",
    });
    assert.deepEqual(license.requests, [
      {
        origin: PAGE_ORIGIN,
        drmType: "Widevine",
        cid: "trailer_1",
        kids: [KID_B64URL],
        outcome: "license",
      },
    ]);
  });

  it("accepts a PlayReady token too, as ClearKey stands in for both", async () => {
    const { answer } = await askLicense(token({ drmType: "PlayReady" }));
    assert.equal((answer.keys as unknown[]).length, 1);
  });

  it("accepts a token until 600 s after its timestamp", async () => {
    clock = new Date(NOW.getTime() + 600_000);
    assert.ok("keys" in (await askLicense(token())).answer);
  });

  for (const [what, makeToken, errorCode, message] of [
    ["another content id", () => token({ cid: "trailer_2" }), "KEY_NOT_FOUND", /trailer_2/],
    [
      "a hash made with another access key",
      () => token({ accessKey: "x".repeat(32) }),
      "HASH_MISMATCH",
      /hash/,
    ],
    [
      "a policy encrypted with another site key",
      () => token({ siteKey: "s".repeat(32) }),
      "POLICY_INVALID",
      /site key/,
    ],
    ["another site id", () => token({ siteId: "ABCD" }), "SITE_ID_MISMATCH", /site_id/],
    ["a FairPlay token", () => token({ drmType: "FairPlay" }), "DRM_TYPE_MISMATCH", /FairPlay/],
    ["no token", () => undefined, "TOKEN_MISSING", /pallycon-customdata-v2/],
    ["a token that is not base64 JSON", () => "not-a-token", "TOKEN_MALFORMED", /base64 JSON/],
  ] as const) {
    it(`refuses ${what} as PallyCon does: HTTP 200 with errorCode ${errorCode}`, async () => {
      const { response, answer } = await askLicense(makeToken());
      assert.equal(response.status, 200);
      assert.equal(answer.errorCode, errorCode);
      assert.match(String(answer.message), message);
      assert.equal(answer.keys, undefined);
      assert.equal(license.requests.at(-1)?.outcome, errorCode);
    });
  }

  it("refuses a token more than 600 s after its timestamp, and one from the future", async () => {
    clock = new Date(NOW.getTime() + 601_000);
    assert.equal((await askLicense(token())).answer.errorCode, "TOKEN_EXPIRED");
    clock = new Date(NOW.getTime() - 1000);
    assert.equal((await askLicense(token())).answer.errorCode, "TOKEN_NOT_YET_VALID");
  });

  it("refuses a body that is not a ClearKey request", async () => {
    for (const body of [
      "{}",
      '{"kids":[],"type":"temporary"}',
      '{"kids":["AAAA"],"type":"temporary"}',
      "kids",
    ]) {
      assert.equal(
        (await askLicense(token(), body)).answer.errorCode,
        "LICENSE_REQUEST_INVALID",
        body,
      );
    }
  });

  it("allows the page origin's preflight with the token header, and no other origin", async () => {
    const preflight = (origin: string) =>
      fetch(license.licenseUrl, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,pallycon-customdata-v2",
        },
      });
    const allowed = await preflight(PAGE_ORIGIN);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get("access-control-allow-origin"), PAGE_ORIGIN);
    assert.match(allowed.headers.get("access-control-allow-methods") ?? "", /POST/);
    const allowedHeaders = allowed.headers.get("access-control-allow-headers") ?? "";
    assert.match(allowedHeaders, /pallycon-customdata-v2/);
    assert.match(allowedHeaders, /content-type/);
    const foreign = await preflight("http://127.0.0.1:9999");
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  });
});

describe("the local JWT issuer and API Gateway's JWT authorizer", () => {
  const ISSUER = "https://127.0.0.1:8443/idp";
  const issuer = createJwtIssuer({ issuer: ISSUER, audience: "vod-player" });
  const authorizer = (options: { scopes?: string[]; now?: () => Date } = {}) =>
    createJwtAuthorizer({
      issuer: ISSUER,
      audiences: ["vod-player"],
      jwks: issuer.jwks(),
      ...options,
    });
  const bearer = (claims: Record<string, unknown> = {}) =>
    `Bearer ${issuer.sign({ sub: "dev-user", entitlements: ["*"], ...claims })}`;

  it("accepts its token and passes the claims as API Gateway does: strings, lists as [a b]", () => {
    const result = authorizer().authorize(bearer({ entitlements: ["trailer_1", "series_*"] }));
    assert.ok("claims" in result, JSON.stringify(result));
    const { claims } = result;
    assert.equal(claims.sub, "dev-user");
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.entitlements, "[trailer_1 series_*]");
    assert.match(claims.exp, /^\d+$/);
    assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
    assert.equal(result.scopes, null);
    // The token function reads the flattened list back.
    assert.deepEqual(claimEntries(claims.entitlements), ["trailer_1", "series_*"]);
  });

  it("passes claims the token service's entitlement check grants on", async () => {
    const result = authorizer().authorize(bearer());
    assert.ok("claims" in result);
    const decide = createEntitlementCheck({
      settings: { grantAllSignedIn: false, claim: "entitlements" },
    });
    assert.equal((await decide("dev-user", result.claims, "trailer_1")).outcome, "allow");
  });

  it("flattens numbers, booleans and nested lists to text", () => {
    assert.deepEqual([1700000000, true, ["a", 2], "x y"].map(flattenClaim), [
      "1700000000",
      "true",
      "[a 2]",
      "x y",
    ]);
  });

  it("accepts the token without the Bearer prefix, as the identity source may hold it", () => {
    assert.ok("claims" in authorizer().authorize(issuer.sign({ sub: "dev-user" })));
  });

  it("accepts client_id as the audience only when aud is absent", () => {
    assert.ok(
      "claims" in authorizer().authorize(bearer({ aud: undefined, client_id: "vod-player" })),
    );
    assert.ok(
      "status" in authorizer().authorize(bearer({ aud: "other", client_id: "vod-player" })),
    );
  });

  for (const [what, header, reason] of [
    ["no token", undefined, /missing/],
    ["another audience", bearer({ aud: "other-app" }), /valid audience/],
    ["another issuer", bearer({ iss: "https://127.0.0.1:8443/other" }), /valid issuer/],
    ["an expired token", bearer({ exp: Math.floor(Date.now() / 1000) - 1 }), /expired/],
    ["a token not valid yet", bearer({ nbf: Math.floor(Date.now() / 1000) + 60 }), /nbf/],
    ["a token issued in the future", bearer({ iat: Math.floor(Date.now() / 1000) + 60 }), /iat/],
    ["a changed payload", tamper(bearer()), /signature/],
    [
      "another key's token",
      `Bearer ${createJwtIssuer({ issuer: ISSUER, audience: "vod-player" }).sign()}`,
      /kid/,
    ],
    ["an unsigned token", `Bearer ${unsigned()}`, /algorithm/],
    ["a token that is not a JWT", "Bearer abc", /not a JWT/],
  ] as const) {
    it(`refuses ${what} with 401 {"message":"Unauthorized"}`, () => {
      const result = authorizer().authorize(header);
      assert.ok("status" in result);
      assert.equal(result.status, 401);
      assert.deepEqual(result.body, { message: "Unauthorized" });
      assert.match(result.headers["www-authenticate"], reason);
    });
  }

  it("refuses a token without one of the route's scopes with 403, accepts one with", () => {
    const route = authorizer({ scopes: ["vod/play", "vod/admin"] });
    const refused = route.authorize(bearer({ scope: "openid profile" }));
    assert.ok("status" in refused);
    assert.deepEqual([refused.status, refused.body], [403, { message: "Forbidden" }]);
    const allowed = route.authorize(bearer({ scope: "openid vod/play" }));
    assert.ok("claims" in allowed);
    assert.deepEqual(allowed.scopes, ["openid", "vod/play"]);
    assert.ok("claims" in route.authorize(bearer({ scp: ["vod/admin"] })));
  });

  it("publishes the discovery document and the key set under the issuer", () => {
    const discovery = issuerDocument(issuer, "/idp/.well-known/openid-configuration") as Record<
      string,
      unknown
    >;
    assert.equal(discovery.issuer, ISSUER);
    assert.equal(discovery.jwks_uri, `${ISSUER}/.well-known/jwks.json`);
    const jwks = issuerDocument(issuer, "/idp/.well-known/jwks.json") as { keys: JsonWebKey[] };
    assert.deepEqual(
      jwks.keys.map(({ kty, kid, alg }) => ({ kty, kid, alg })),
      [{ kty: "RSA", kid: issuer.keyId, alg: "RS256" }],
    );
    assert.equal(jwks.keys[0].d, undefined, "no private part");
    assert.equal(issuerDocument(issuer, "/other"), undefined);
    assert.throws(
      () => createJwtIssuer({ issuer: "http://127.0.0.1/idp", audience: "a" }),
      /https/,
    );
  });

  /** The token with one claim changed and the signature kept. */
  function tamper(header: string): string {
    const [head, payload, signature] = header.slice("Bearer ".length).split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const changed = Buffer.from(JSON.stringify({ ...claims, sub: "someone-else" })).toString(
      "base64url",
    );
    return `Bearer ${head}.${changed}.${signature}`;
  }

  /** An `alg: none` token with the issuer's kid and valid claims. */
  function unsigned(): string {
    const [, payload] = issuer.sign({ sub: "dev-user" }).split(".");
    const head = Buffer.from(JSON.stringify({ alg: "none", kid: issuer.keyId })).toString(
      "base64url",
    );
    return `${head}.${payload}.`;
  }
});
