import * as assert from "node:assert/strict";
import {
  atPreview,
  changed,
  customCertificate,
  customOrigin,
  distributionWithOrigin,
  messagesOf,
  oaiDistribution,
  oailessDistribution,
  UNKNOWN_STRING,
} from "./fixtures";

describe("cloudfront-s3-origin-access-identity", () => {
  const rule = "cloudfront-s3-origin-access-identity";

  it("passes an S3 origin read through an OAI", async () => {
    assert.deepEqual(await messagesOf(rule, [oaiDistribution()]), []);
  });

  it("flags the source design's S3 origin without an OAI", async () => {
    assert.deepEqual(await messagesOf(rule, [oailessDistribution()]), [
      "Origin output reads its S3 bucket without an OAI or OAC.",
    ]);
  });

  it("passes an S3 origin read through an Origin Access Control", async () => {
    const oac = distributionWithOrigin({
      originId: "output",
      domainName: "output.s3.eu-west-1.amazonaws.com",
      originAccessControlId: "E1OAC2EXAMPLE",
      s3OriginConfig: { originAccessIdentity: "" },
    });
    assert.deepEqual(await messagesOf(rule, [oac]), []);
  });

  it("flags an S3 REST endpoint declared as a custom origin without an OAC", async () => {
    const custom = distributionWithOrigin({
      ...customOrigin(),
      originId: "output",
      domainName: "output.s3-us-west-2.amazonaws.com",
    });
    assert.deepEqual(await messagesOf(rule, [custom]), [
      "Origin output reads S3 bucket output.s3-us-west-2.amazonaws.com without an OAI or OAC.",
    ]);
  });

  it("flags an S3 website endpoint, which needs a public bucket", async () => {
    const website = distributionWithOrigin({
      ...customOrigin({ originProtocolPolicy: "http-only" }),
      originId: "site",
      domainName: "output.s3-website-us-east-1.amazonaws.com",
    });
    assert.deepEqual(await messagesOf(rule, [website]), [
      "Origin site serves the S3 website endpoint output.s3-website-us-east-1.amazonaws.com, which needs a public bucket.",
    ]);
  });

  it("passes a custom origin that is not S3", async () => {
    assert.deepEqual(await messagesOf(rule, [distributionWithOrigin(customOrigin())]), []);
  });

  it("counts an OAI path unknown at preview as set", async () => {
    const distribution = oaiDistribution();
    const origin = {
      originId: "output",
      domainName: UNKNOWN_STRING,
      s3OriginConfig: { originAccessIdentity: UNKNOWN_STRING },
    };
    const props = atPreview({ ...distribution.props, origins: [origin] });
    assert.deepEqual(await messagesOf(rule, [{ ...distribution, props }]), []);
  });
});

describe("cloudfront-viewer-https", () => {
  const rule = "cloudfront-viewer-https";
  const withCertificate = (minimum?: string) =>
    changed(oaiDistribution(), { viewerCertificate: customCertificate(minimum) });

  it("decides at preview, when a behaviour's cache policy id is still unknown", async () => {
    const distribution = changed(oaiDistribution(), {
      defaultCacheBehavior: { viewerProtocolPolicy: "allow-all", cachePolicyId: UNKNOWN_STRING },
    });
    assert.deepEqual(await messagesOf(rule, [distribution]), [
      "Cache behaviour (default) allows plain HTTP viewers.",
    ]);
  });

  it("passes HTTPS-only behaviours on the default certificate", async () => {
    assert.deepEqual(await messagesOf(rule, [oaiDistribution()]), []);
  });

  it("flags an ordered behaviour that allows plain HTTP", async () => {
    const open = changed(oaiDistribution(), {
      orderedCacheBehaviors: [{ pathPattern: "*.ts", viewerProtocolPolicy: "allow-all" }],
    });
    assert.deepEqual(await messagesOf(rule, [open]), [
      "Cache behaviour *.ts allows plain HTTP viewers.",
    ]);
  });

  it("flags a default behaviour that allows plain HTTP", async () => {
    const open = changed(oaiDistribution(), {
      defaultCacheBehavior: { viewerProtocolPolicy: "allow-all" },
    });
    assert.deepEqual(await messagesOf(rule, [open]), [
      "Cache behaviour (default) allows plain HTTP viewers.",
    ]);
  });

  it("passes a custom certificate at TLSv1.2_2021", async () => {
    assert.deepEqual(await messagesOf(rule, [withCertificate("TLSv1.2_2021")]), []);
  });

  it("flags a custom certificate below TLSv1.2_2021", async () => {
    assert.deepEqual(await messagesOf(rule, [withCertificate("TLSv1.2_2019")]), [
      "The custom certificate allows TLSv1.2_2019; the minimum is TLSv1.2_2021.",
    ]);
  });

  it("flags a custom certificate that leaves CloudFront's TLSv1 default", async () => {
    assert.deepEqual(await messagesOf(rule, [withCertificate()]), [
      "The custom certificate allows TLSv1; the minimum is TLSv1.2_2021.",
    ]);
  });

  it("takes the minimum from config", async () => {
    const config = { [rule]: { minimumProtocolVersion: "TLSv1.3_2025" } };
    assert.deepEqual(await messagesOf(rule, [withCertificate("TLSv1.2_2021")], config), [
      "The custom certificate allows TLSv1.2_2021; the minimum is TLSv1.3_2025.",
    ]);
  });
});

describe("cloudfront-origin-https", () => {
  const rule = "cloudfront-origin-https";

  it("passes a custom origin reached over TLS 1.2", async () => {
    assert.deepEqual(await messagesOf(rule, [distributionWithOrigin(customOrigin())]), []);
  });

  it("flags a custom origin reached over plain HTTP", async () => {
    const http = distributionWithOrigin(customOrigin({ originProtocolPolicy: "http-only" }));
    assert.deepEqual(await messagesOf(rule, [http]), [
      "Origin api is reached over plain HTTP (originProtocolPolicy http-only).",
    ]);
  });

  it("flags SSLv3 and TLSv1 to the origin", async () => {
    const old = distributionWithOrigin(
      customOrigin({ originSslProtocols: ["SSLv3", "TLSv1", "TLSv1.2"] }),
    );
    assert.deepEqual(await messagesOf(rule, [old]), [
      "Origin api allows SSLv3, TLSv1; the minimum is TLSv1.2.",
    ]);
  });
});
