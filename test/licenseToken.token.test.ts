import * as assert from "node:assert/strict";
import { createDecipheriv } from "node:crypto";
import { CONTENT_ID_PATTERN, isValidContentId } from "../shared/drm";
import {
  createLicenseToken,
  formatTimestamp,
  LicenseTokenError,
  LicenseTokenInput,
  POLICY_IV,
} from "../functions/licenseToken/token";
import {
  decodeToken,
  opensslLicenseToken,
  TEST_ACCESS_KEY,
  TEST_SITE_ID,
  TEST_SITE_KEY,
} from "./support/pallyCon";

const STREAMING_POLICY = {
  policy_version: 2,
  playback_policy: { persistent: false, license_duration: 86400 },
} as const;

const input: LicenseTokenInput = {
  drmType: "Widevine",
  siteId: TEST_SITE_ID,
  siteKey: TEST_SITE_KEY,
  accessKey: TEST_ACCESS_KEY,
  userId: "user-123",
  cid: "big-buck-bunny_01",
  policy: STREAMING_POLICY,
  timestamp: new Date("2026-11-20T10:20:30.789Z"),
};

describe("license token: the algorithm", () => {
  it("matches a token computed with openssl, field for field", () => {
    const expected = opensslLicenseToken({
      ...input,
      policyJson: JSON.stringify(STREAMING_POLICY),
      timestamp: "2026-11-20T10:20:30Z",
    });
    assert.equal(createLicenseToken(input), expected);
  });

  for (const drmType of ["PlayReady", "FairPlay"] as const) {
    it(`matches openssl for ${drmType}, a non-ASCII user id and a persistent policy`, () => {
      const policy = {
        policy_version: 2,
        playback_policy: { persistent: true, license_duration: 3600 },
      } as const;
      const other = { ...input, drmType, userId: "ユーザー42", cid: "trailer", policy };
      const expected = opensslLicenseToken({
        ...other,
        policyJson: JSON.stringify(policy),
        timestamp: "2026-11-20T10:20:30Z",
      });
      assert.equal(createLicenseToken(other), expected);
    });
  }

  /*
   * Fixed vector, computed once with openssl 3.0 (site key k3Yp…JsA, access key Ak7T…0Hf):
   *   POLICY='{"policy_version":2,"playback_policy":{"persistent":false,"license_duration":86400}}'
   *   printf %s "$POLICY" | openssl enc -aes-256-cbc \
   *     -K 6b335970395177325274375a78354c6d384e62345663364864314667304a7341 \
   *     -iv 30313233343536373839616263646566 -base64 -A
   *   printf %s "<access key>WidevineTESTuser-123big-buck-bunny_01<policy>2026-11-20T10:20:30Z" \
   *     | openssl dgst -sha256 -binary | openssl base64 -A
   *   printf %s '{"drm_type":"Widevine","site_id":"TEST","user_id":"user-123",
   *     "cid":"big-buck-bunny_01","policy":"<policy>","timestamp":"2026-11-20T10:20:30Z",
   *     "hash":"<hash>"}' | openssl base64 -A          (the JSON on one line)
   */
  it("reproduces the recorded Widevine vector", () => {
    assert.equal(
      createLicenseToken(input),
      "eyJkcm1fdHlwZSI6IldpZGV2aW5lIiwic2l0ZV9pZCI6IlRFU1QiLCJ1c2VyX2lkIjoidXNlci0xMjMiLCJjaWQiOiJiaWctYnVjay1idW5ueV8wMSIsInBvbGljeSI6Ii9xelJrQkdQcmdlNUxpakNubEtLWGxFM3NSMmlJbFd4dmUrTythL0VNVUZpTVRoVmxCS1NrMG9mNjA5L0M3eWZEUHVqSlk1bmRlVFgySDJ6TVl6UFBmTUtUNWlBQnJtRG9ZMklocTA1QWpzNHNHclkzKzF5UWFXR2ptYm9oTk1zIiwidGltZXN0YW1wIjoiMjAyNi0xMS0yMFQxMDoyMDozMFoiLCJoYXNoIjoiTTBnWFB4ZlJrdkFvU25ScTREZTVNdE52UWIrdzA1MW9lSjBPSXR2RUJtQT0ifQ==",
    );
    const fields = decodeToken(createLicenseToken(input));
    assert.equal(
      fields.policy,
      "/qzRkBGPrge5LijCnlKKXlE3sR2iIlWxve+O+a/EMUFiMThVlBKSk0of609/C7yfDPujJY5ndeTX2H2zMYzPPfMKT5iABrmDoY2Ihq05Ajs4sGrY3+1yQaWGjmbohNMs",
    );
    assert.equal(fields.hash, "M0gXPxfRkvAoSnRq4De5MtNvQb+w051oeJ0OItvEBmA=");
  });

  /*
   * Fixed vector, computed once with openssl 3.0 as above, with
   *   POLICY='{"policy_version":2,"playback_policy":{"persistent":true,"license_duration":3600}}'
   *   and the hash message "<access key>FairPlayTESTユーザー42trailer<policy>2026-01-02T03:04:05Z"
   *   (UTF-8), drm_type FairPlay, user_id ユーザー42, cid trailer.
   */
  it("reproduces the recorded FairPlay vector, hashing the user id as UTF-8", () => {
    const token = createLicenseToken({
      ...input,
      drmType: "FairPlay",
      userId: "ユーザー42",
      cid: "trailer",
      policy: { policy_version: 2, playback_policy: { persistent: true, license_duration: 3600 } },
      timestamp: new Date("2026-01-02T03:04:05Z"),
    });
    assert.equal(
      token,
      "eyJkcm1fdHlwZSI6IkZhaXJQbGF5Iiwic2l0ZV9pZCI6IlRFU1QiLCJ1c2VyX2lkIjoi44Om44O844K244O8NDIiLCJjaWQiOiJ0cmFpbGVyIiwicG9saWN5IjoiL3F6UmtCR1ByZ2U1TGlqQ25sS0tYbEUzc1IyaUlsV3h2ZStPK2EvRU1VRmlNVGhWbEJLU2swb2Y2MDkvQzd5ZmJOSGI0cncvUDlaLyt6eGc1U1lPajJ3RmxtYTZzZmRJRUdvSnVyR0dOMkJLdnd6NllaN3VqVlgwd1N6d2ZENzMiLCJ0aW1lc3RhbXAiOiIyMDI2LTAxLTAyVDAzOjA0OjA1WiIsImhhc2giOiJkS0JiY0Z4V09QVy9CRnpaUlE1R1JlUzMxQmxDQzJBTk16UXF2T0NZTi9rPSJ9",
    );
  });

  it("has exactly the documented fields, in the documented order", () => {
    assert.deepEqual(Object.keys(decodeToken(createLicenseToken(input))), [
      "drm_type",
      "site_id",
      "user_id",
      "cid",
      "policy",
      "timestamp",
      "hash",
    ]);
  });

  it("encrypts a policy the site key decrypts back to the same JSON", () => {
    const { policy } = decodeToken(createLicenseToken(input));
    const decipher = createDecipheriv(
      "aes-256-cbc",
      Buffer.from(TEST_SITE_KEY, "ascii"),
      Buffer.from(POLICY_IV, "ascii"),
    );
    const plain = Buffer.concat([
      decipher.update(Buffer.from(String(policy), "base64")),
      decipher.final(),
    ]).toString("utf8");
    assert.deepEqual(JSON.parse(plain), STREAMING_POLICY);
  });

  it("formats the timestamp in UTC to the second, whatever the milliseconds", () => {
    assert.equal(formatTimestamp(new Date("2026-11-20T10:20:30.999Z")), "2026-11-20T10:20:30Z");
    assert.equal(formatTimestamp(new Date("2026-11-20T23:59:59+09:00")), "2026-11-20T14:59:59Z");
  });

  it("never puts the site key or the access key in the token", () => {
    const decoded = Buffer.from(createLicenseToken(input), "base64").toString("utf8");
    assert.ok(!decoded.includes(TEST_SITE_KEY));
    assert.ok(!decoded.includes(TEST_ACCESS_KEY));
  });
});

describe("license token: validation", () => {
  const invalid: Array<[string, Partial<Record<keyof LicenseTokenInput, unknown>>, RegExp]> = [
    [
      "a lower-case drm type",
      { drmType: "widevine" },
      /^drmType must be one of Widevine, PlayReady, FairPlay/,
    ],
    ["an unknown drm type", { drmType: "NCG" }, /^drmType must be one of/],
    [
      "a lower-case site id",
      { siteId: "test" },
      /^siteId must be the 4 uppercase letters or digits/,
    ],
    ["a 5-character site id", { siteId: "TESTS" }, /^siteId must be the 4 uppercase/],
    ["an empty site id", { siteId: "" }, /^siteId must be/],
    [
      "a 31-character site key",
      { siteKey: TEST_SITE_KEY.slice(1) },
      /^siteKey must be exactly 32 ASCII characters$/,
    ],
    [
      "a 33-character site key",
      { siteKey: `${TEST_SITE_KEY}x` },
      /^siteKey must be exactly 32 ASCII/,
    ],
    [
      "a site key with non-ASCII characters",
      { siteKey: `${TEST_SITE_KEY.slice(2)}é` },
      /^siteKey must be exactly 32 ASCII/,
    ],
    ["an empty access key", { accessKey: "" }, /^accessKey must not be empty$/],
    ["a blank access key", { accessKey: "   " }, /^accessKey must not be empty$/],
    ["an empty user id", { userId: "" }, /^userId must not be empty$/],
    ["an empty cid", { cid: "" }, /^cid must be 1–200 characters of 0-9, A-Z, a-z, _ and -$/],
    ["a 201-character cid", { cid: "a".repeat(201) }, /^cid must be 1–200/],
    ["a cid with a slash", { cid: "movies/trailer" }, /^cid must be 1–200/],
    ["a cid with a space", { cid: "big buck" }, /^cid must be 1–200/],
    ["a policy that is not an object", { policy: "[]" }, /^policy must be a JSON object$/],
    ["an invalid date", { timestamp: new Date("not a date") }, /^timestamp must be a valid Date$/],
    [
      "a timestamp string",
      { timestamp: "2026-11-20T10:20:30Z" },
      /^timestamp must be a valid Date$/,
    ],
  ];
  for (const [what, change, message] of invalid) {
    it(`refuses ${what}, naming the field`, () => {
      assert.throws(
        () => createLicenseToken({ ...input, ...change } as LicenseTokenInput),
        (error: unknown) => {
          assert.ok(error instanceof LicenseTokenError);
          assert.equal(error.field, Object.keys(change)[0]);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it("never quotes a secret in an error", () => {
    for (const change of [{ siteKey: `${TEST_SITE_KEY}x` }, { accessKey: " " }]) {
      assert.throws(
        () => createLicenseToken({ ...input, ...change }),
        (error: Error) => !error.message.includes(TEST_SITE_KEY.slice(0, 8)),
      );
    }
  });

  it("accepts a 200-character cid, the PallyCon maximum", () => {
    assert.doesNotThrow(() => createLicenseToken({ ...input, cid: "a".repeat(200) }));
  });
});

describe("content ids", () => {
  it("accepts letters, digits, _ and -, from 1 to 200 characters", () => {
    for (const id of ["a", "Big_Buck-Bunny01", "0".repeat(200)]) assert.ok(isValidContentId(id));
    for (const id of ["", "a".repeat(201), "a.b", "a/b", "ü", 42, undefined]) {
      assert.ok(!isValidContentId(id), String(id));
    }
    assert.ok(CONTENT_ID_PATTERN.test("x"));
  });
});
