/**
 * The local preview: the stack's pipeline on this machine. The program is run under
 * the mock runtime for the stack's settings (./stack.ts), and what it declares is stood
 * up on 127.0.0.1: its buckets in a local S3, its idempotency table in dynalite, its
 * functions from the bundles `pulumi up` ships in a Lambda-like runner, MediaConvert as
 * a stand-in that runs the job's settings with ffmpeg, the SPEKE key server and the
 * license server as ClearKey stand-ins, and the playback domain with the player page
 * and the token service behind a local identity provider. Only endpoints differ.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3EventRecord } from "aws-lambda";
import { ROOT } from "../bundling/bundles";
import { runWholeProgram } from "../plan/mockCloud";
import { readPlanConfig } from "../plan/stackConfig";
import type { AssetMetadata } from "../shared/assetFile";
import { OUTPUT_LAYOUT } from "../shared/outputLayout";
import { createJwtIssuer, issuerDocument } from "./drm/jwt";
import { createJwtAuthorizer } from "./drm/jwtAuthorizer";
import { createKeyStore } from "./drm/keyStore";
import { startLicenseServer } from "./drm/licenseServer";
import { startSpekeServer } from "./drm/speke";
import { startLocalDynamoDb } from "./dynamoDb";
import { matchesPattern } from "./eventPattern";
import { LocalFunction, startFunction, writeCodeFolder } from "./lambda/runner";
import { startMediaConvertStandIn } from "./mediaConvert";
import { startPlaybackServer } from "./playback";
import { previewConfig } from "./previewConfig";
import { startLocalS3 } from "./s3";
import { startSecretsManager } from "./secretsManager";
import { signInUrl } from "./signIn";
import { localStackOf, LocalStack } from "./stack";
import { makeLocalCertificate } from "./tls";

/** Credentials every local service accepts; nothing here checks signatures. */
const LOCAL_CREDENTIALS = { accessKeyId: "LOCALPREVIEW", secretAccessKey: "local-preview-secret" };
const REGION = "us-east-1";
export const DEV_USER = "dev-user";

export interface PreviewOptions {
  readonly stack: string;
  /** Turns VOD DRM and license tokens on. */
  readonly drm: boolean;
  /** The playback domain's port; 0 for any free one. */
  readonly port: number;
  /** Where the buckets, the functions' code and job scratch space live. */
  readonly folder: string;
  /** Every line to show: services, function logs, upload progress. */
  readonly log: (line: string) => void;
  /** Function log lines (JSON from Powertools), shown apart from the progress lines. */
  readonly functionLog?: (fn: string, line: string) => void;
}

/** What happened to an upload, as the preview sees it. */
export type UploadEvent =
  | { readonly kind: "processing"; readonly key: string; readonly asset: AssetMetadata }
  | { readonly kind: "progress"; readonly key: string; readonly percent: number }
  /** MediaConvert finished the job; the metadata function writes the asset file next. */
  | { readonly kind: "encoded"; readonly key: string; readonly jobId: string }
  | { readonly kind: "complete"; readonly key: string; readonly asset: AssetMetadata }
  | { readonly kind: "error"; readonly key: string; readonly asset: AssetMetadata }
  | { readonly kind: "dead-letter"; readonly fn: string; readonly reason: string };

export interface Preview {
  readonly stack: LocalStack;
  readonly playbackOrigin: string;
  /** The player for an upload, through the sign-in page when the stack has the token service. */
  pageUrl(key: string): string;
  /** Uploads a file to the source bucket, as `aws s3 cp` does. */
  readonly s3: S3Client;
  readonly notEmulated: readonly string[];
  readonly changes: readonly string[];
  onUpload(listener: (event: UploadEvent) => void): void;
  close(): Promise<void>;
}

export async function startPreview(options: PreviewOptions): Promise<Preview> {
  const closers: Array<() => Promise<void> | void> = [];
  const listeners: Array<(event: UploadEvent) => void> = [];
  const emit = (event: UploadEvent) => listeners.forEach((listener) => listener(event));
  try {
    const tls = makeLocalCertificate();
    const playback = await startPlaybackServer({ port: options.port, tls });
    closers.push(() => playback.close());
    const keys = createKeyStore();
    const site = {
      siteId: "LOCL",
      siteKey: randomBytes(16).toString("hex"),
      accessKey: randomBytes(16).toString("hex"),
    };
    const license = await startLicenseServer({ ...site, keys, pageOrigin: playback.origin, tls });
    closers.push(() => license.close());
    const speke = await startSpekeServer({ keys, tls });
    closers.push(() => speke.close());
    const issuerPath = "/local-identity";
    const issuer = createJwtIssuer({
      issuer: `${playback.origin}${issuerPath}`,
      audience: "local-preview",
    });

    const { config, changes } = previewConfig(
      readPlanConfig(ROOT, options.stack),
      {
        playbackOrigin: playback.origin,
        licenseOrigin: license.origin,
        issuer: issuer.issuer,
        audience: issuer.audience,
        ...site,
      },
      options.drm,
    );
    const stack = localStackOf(await runWholeProgram(config), config);

    const folder = path.resolve(options.folder);
    mkdirSync(folder, { recursive: true });
    const functions: Partial<Record<string, LocalFunction>> = {};
    const s3Store = await startLocalS3({
      buckets: [stack.sourceBucket, stack.outputBucket],
      folder: path.join(folder, "s3"),
      region: REGION,
      onObjectCreated: (record) => objectCreated(record),
    });
    closers.push(() => s3Store.close());
    const dynamo = await startLocalDynamoDb();
    closers.push(() => dynamo.close());
    await dynamo.createTable(stack.idempotencyTable.name, stack.idempotencyTable.hashKey);
    const secrets = await startSecretsManager(stack.secrets);
    closers.push(() => secrets.close());

    const keyOfJob = new Map<string, string>();
    const mediaConvert = await startMediaConvertStandIn({
      s3: { endpoint: s3Store.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS },
      workFolder: path.join(folder, "jobs"),
      ca: tls.cert,
      onEvent: (event) => {
        const key = keyOfJob.get(event.detail.jobId);
        if (key && event.detail.status === "COMPLETE") {
          emit({ kind: "encoded", key, jobId: event.detail.jobId });
        }
        if (functions.metadata && matchesPattern(stack.jobEventPattern, event)) {
          // EventBridge delivers asynchronously: the next job does not wait on the function.
          void functions.metadata.invokeAsync(event);
        }
      },
      onProgress: (jobId, percent) => {
        const key = keyOfJob.get(jobId);
        if (key) emit({ kind: "progress", key, percent });
      },
    });
    closers.push(() => mediaConvert.close());

    const runtimeEnvironment = {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3Store.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_MEDIACONVERT: mediaConvert.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    };
    // Endpoints in the functions' own settings that only exist here.
    const endpointSettings: Record<string, Record<string, string>> = {
      convert: stack.functions.convert?.environment.SPEKE_URL ? { SPEKE_URL: speke.url } : {},
      metadata: { PLAYBACK_DOMAIN: new URL(playback.origin).host },
      licenseToken: {},
    };
    for (const declared of Object.values(stack.functions)) {
      if (!declared) continue;
      const fn = startFunction({
        declared: {
          ...declared,
          environment: { ...declared.environment, ...endpointSettings[declared.name] },
        },
        codeFolder: writeCodeFolder(declared, path.join(folder, "functions", declared.name)),
        runtimeEnvironment,
        log: (line) => options.functionLog?.(declared.name, line),
        onDeadLetter: (event, outcome) => {
          const file = path.join(folder, "dead-letters", `${declared.name}-${Date.now()}.json`);
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, JSON.stringify({ event, outcome }, null, 2));
          emit({
            kind: "dead-letter",
            fn: declared.name,
            reason: `${outcome.ok ? "" : outcome.errorMessage} (event kept in ${path.relative(process.cwd(), file)})`,
          });
        },
      });
      functions[declared.name] = fn;
      closers.push(() => fn.close());
    }

    const s3 = new S3Client({
      endpoint: s3Store.endpoint,
      region: REGION,
      credentials: LOCAL_CREDENTIALS,
      forcePathStyle: true,
    });
    closers.push(() => s3.destroy());
    const tokenApi = stack.tokenApi;
    // The player's files, as `pulumi up` uploads them; with DRM, ClearKey as the key system.
    for (const object of stack.playerObjects) {
      await s3.send(
        new PutObjectCommand({
          Bucket: stack.outputBucket,
          Key: object.key,
          Body:
            tokenApi && object.key === PLAYER_CONFIG_KEY ? withClearKey(object.body) : object.body,
          ContentType: object.contentType,
          CacheControl: object.cacheControl,
        }),
      );
    }

    playback.attach({
      s3,
      outputBucket: stack.outputBucket,
      playerHeaders: stack.playerHeaders,
      ...(tokenApi && functions.licenseToken
        ? {
            tokenService: {
              api: tokenApi,
              fn: functions.licenseToken,
              // API Gateway's JWT authorizer, with each route's scopes.
              authorizers: new Map(
                tokenApi.routes.map((route) => [
                  route.routeKey,
                  createJwtAuthorizer({
                    issuer: tokenApi.issuer,
                    audiences: tokenApi.audiences,
                    scopes: route.scopes,
                    jwks: () => issuer.jwks(),
                  }),
                ]),
              ),
            },
            identity: {
              issuerPath,
              documents: {
                "/.well-known/openid-configuration": issuerDocument(
                  issuer,
                  "/.well-known/openid-configuration",
                )!,
                "/.well-known/jwks.json": issuer.jwks(),
              },
              devUser: DEV_USER,
              // Entitled to everything: the dev user may watch what this machine made.
              devToken: () => issuer.sign({ sub: DEV_USER, entitlements: ["*"] }),
            },
          }
        : {}),
    });

    /** S3's notifications: the source bucket's to the convert function; asset files reported. */
    function objectCreated(record: S3EventRecord): void {
      const bucket = record.s3.bucket.name;
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
      if (bucket === stack.sourceBucket) {
        void functions.convert?.invokeAsync({ Records: [record] });
      } else if (bucket === stack.outputBucket && key.endsWith(`/${OUTPUT_LAYOUT.metadata}`)) {
        const asset = JSON.parse(s3Store.objects.get(`${bucket}/${key}`)!.body) as AssetMetadata;
        const upload = asset.input?.replace(/^s3:\/\/[^/]+\//, "") ?? key;
        if (asset.status === "PROCESSING") keyOfJob.set(asset.jobId, upload);
        const kind = ({ PROCESSING: "processing", COMPLETE: "complete", ERROR: "error" } as const)[
          asset.status
        ];
        emit({ kind, key: upload, asset });
      }
    }

    const playerPath = (key: string) => `/player/index.html?asset=${encodeURIComponent(key)}`;
    return {
      stack,
      playbackOrigin: playback.origin,
      pageUrl: (key) =>
        tokenApi
          ? signInUrl(playback.origin, playerPath(key))
          : `${playback.origin}${playerPath(key)}`,
      s3,
      notEmulated: stack.notEmulated,
      changes: tokenApi
        ? [
            ...changes,
            `${PLAYER_CONFIG_KEY}: keySystems [org.w3.clearkey] (ClearKey stands in for Widevine and PlayReady)`,
          ]
        : changes,
      onUpload: (listener) => void listeners.push(listener),
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/** The page's settings, as the program writes them. */
const PLAYER_CONFIG_KEY = "player/config.json";

/**
 * The page's settings with ClearKey as the one key system: browsers outside Google's and
 * Microsoft's builds have no Widevine or PlayReady module, and the license server stand-in
 * answers in ClearKey's format.
 */
function withClearKey(body: Buffer): Buffer {
  const config = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...config, keySystems: ["org.w3.clearkey"] }, null, 2));
}

/** Stops everything started, the last first. */
async function closeAll(closers: Array<() => Promise<void> | void>): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close();
}
