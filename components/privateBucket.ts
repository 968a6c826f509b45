import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link PrivateBucket}. */
export interface PrivateBucketArgs {
  /**
   * Keep every version of every object, so an overwrite or delete can be undone.
   * @default false
   */
  readonly versioning?: boolean;
  /**
   * Delete current objects this many days after upload. Noncurrent versions (with
   * versioning on) are deleted the same number of days after they are replaced.
   * @default undefined (objects are kept)
   */
  readonly expirationDays?: number;
  /**
   * Let `pulumi destroy` delete a bucket that still holds objects. For dev stacks.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Who may read every object (`s3:GetObject`) and list the bucket (`s3:ListBucket`,
   * so a missing key answers 404 rather than 403). S3 allows one policy per bucket,
   * so every grant on this bucket must come through here.
   * @default [] (no grants: only identities in the account with IAM permissions)
   */
  readonly readers?: BucketReader[];
  /**
   * Encrypt with this customer-managed KMS key (SSE-KMS, with an S3 bucket key to keep
   * KMS requests down). Readers need `kms:Decrypt` on it; an OAI cannot have that.
   * @default undefined (SSE-S3)
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
}

/** A principal granted read access by a {@link PrivateBucket}'s policy. */
export interface BucketReader {
  /** Names the policy statements: `<sid>Objects` and `<sid>List`. */
  readonly sid: string;
  readonly principal: aws.iam.PolicyStatement["Principal"];
  /** Narrows the grant, such as to one CloudFront distribution. */
  readonly condition?: aws.iam.PolicyStatement["Condition"];
}

/** Days after which an abandoned multipart upload is removed: parts are billed until then. */
const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/**
 * An S3 bucket that nobody outside the account can reach: all four Block Public
 * Access settings, ACLs disabled (BucketOwnerEnforced), SSE-S3 default encryption
 * and a policy that denies any request not made over TLS.
 *
 * SSE-S3 by default: CloudFront's Origin Access Identity cannot read KMS-encrypted
 * objects. With an Origin Access Control, a customer-managed key can be used instead.
 */
export class PrivateBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
  public readonly policy: aws.s3.BucketPolicy;
  /** The bucket's name. */
  public readonly bucketName: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;

  constructor(
    name: string,
    args: PrivateBucketArgs = {},
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super("vod:index:PrivateBucket", name, {}, opts);
    const { versioning = false, expirationDays, forceDestroy = false, readers = [] } = args;
    if (expirationDays !== undefined && (!Number.isInteger(expirationDays) || expirationDays < 1)) {
      throw new Error(
        `PrivateBucket ${name}: expirationDays must be a positive integer, not ${expirationDays}`,
      );
    }

    this.bucket = new aws.s3.Bucket(name, { forceDestroy }, { parent: this });
    const bucketId = this.bucket.id;

    // Block all public access to the bucket, whatever a later policy or ACL says.
    this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      name,
      {
        bucket: bucketId,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );

    // Disable ACLs: the bucket owner owns every object, whoever wrote it.
    new aws.s3.BucketOwnershipControls(
      name,
      { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );

    // Encrypt every object at rest by default.
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      {
        bucket: bucketId,
        rules: [
          args.kmsKeyArn
            ? {
                applyServerSideEncryptionByDefault: {
                  sseAlgorithm: "aws:kms",
                  kmsMasterKeyId: args.kmsKeyArn,
                },
                bucketKeyEnabled: true,
              }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      { parent: this },
    );

    if (versioning) {
      // Keep earlier versions so an accidental overwrite or delete can be recovered.
      new aws.s3.BucketVersioning(
        name,
        { bucket: bucketId, versioningConfiguration: { status: "Enabled" } },
        { parent: this },
      );
    }

    // Clean up abandoned multipart uploads, and expire objects when asked to.
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket: bucketId,
        rules: [
          {
            id: "abort-incomplete-multipart-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
          },
          ...(expirationDays === undefined
            ? []
            : [
                {
                  id: "expire-objects",
                  status: "Enabled",
                  filter: {},
                  expiration: { days: expirationDays },
                  ...(versioning
                    ? { noncurrentVersionExpiration: { noncurrentDays: expirationDays } }
                    : {}),
                },
              ]),
        ],
      },
      { parent: this },
    );

    // Deny any request that is not made over TLS, then grant the readers.
    const objects = pulumi.interpolate`${this.bucket.arn}/*`;
    const statements: aws.iam.PolicyStatement[] = [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [this.bucket.arn, objects],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ];
    for (const reader of readers) {
      const condition = reader.condition ? { Condition: reader.condition } : {};
      statements.push(
        {
          Sid: `${reader.sid}Objects`,
          Effect: "Allow",
          Principal: reader.principal,
          Action: "s3:GetObject",
          Resource: objects,
          ...condition,
        },
        {
          Sid: `${reader.sid}List`,
          Effect: "Allow",
          Principal: reader.principal,
          Action: "s3:ListBucket",
          Resource: this.bucket.arn,
          ...condition,
        },
      );
    }
    this.policy = new aws.s3.BucketPolicy(
      name,
      {
        bucket: bucketId,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: statements,
        }),
      },
      // S3 rejects a policy change while the public access block is being written.
      { parent: this, dependsOn: [this.publicAccessBlock] },
    );

    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}
