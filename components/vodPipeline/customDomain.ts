/**
 * A custom domain for the distribution: its TLS certificate (ACM, in us-east-1 as
 * CloudFront requires, DNS-validated) and, with a Route 53 zone, its records.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A custom domain: its names, and where its certificate comes from. */
export interface CustomDomainArgs {
  /** Host names viewers use, such as `video.example.com`; the first is the canonical one. */
  readonly aliases: readonly string[];
  /** An existing ACM certificate in us-east-1 covering every alias. */
  readonly certificateArn?: pulumi.Input<string>;
  /**
   * The Route 53 hosted zone of the aliases: a certificate is requested and validated
   * through it, and the aliases point at the distribution.
   */
  readonly hostedZoneId?: pulumi.Input<string>;
}

/** CloudFront reads certificates from us-east-1 only. */
export const CERTIFICATE_REGION = "us-east-1";
/** TLS 1.2 or newer with the 2021 cipher suites, CloudFront's strictest general policy. */
export const MINIMUM_PROTOCOL_VERSION = "TLSv1.2_2021";

const HOST_NAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Throws, naming the argument, on aliases or certificate settings CloudFront would refuse. */
export function validateCustomDomain(args: CustomDomainArgs): void {
  const fail = (field: string, message: string) => {
    throw new Error(`VodPipeline: \`delivery.customDomain.${field}\` ${message}`);
  };
  if (args.aliases.length === 0) fail("aliases", "must name at least one host name.");
  for (const alias of args.aliases) {
    if (!HOST_NAME.test(alias)) fail("aliases", `entry "${alias}" is not a lower-case host name.`);
  }
  if (!args.certificateArn && !args.hostedZoneId) {
    fail(
      "certificateArn",
      "or `delivery.customDomain.hostedZoneId` is required: an existing us-east-1 certificate, or the Route 53 zone to validate a new one in.",
    );
  }
  const arn = args.certificateArn;
  if (typeof arn === "string" && !/^arn:aws[\w-]*:acm:us-east-1:/.test(arn)) {
    fail("certificateArn", `must be an ACM certificate in ${CERTIFICATE_REGION}, not ${arn}.`);
  }
}

/**
 * The certificate for the aliases: the given one, or a new DNS-validated one whose
 * validation records go into the hosted zone. Returns its ARN once validated.
 */
export function domainCertificate(
  name: string,
  parent: pulumi.Resource,
  domain: CustomDomainArgs,
): pulumi.Output<string> {
  if (domain.certificateArn) return pulumi.output(domain.certificateArn);
  const [primary, ...others] = domain.aliases;
  const certificate = new aws.acm.Certificate(
    `${name}-cdn`,
    {
      region: CERTIFICATE_REGION,
      domainName: primary,
      subjectAlternativeNames: others,
      validationMethod: "DNS",
    },
    // A new certificate is valid before the old one goes, so the distribution never lacks one.
    { parent, deleteBeforeReplace: false },
  );
  // One record per alias; an apex and its wildcard share one, hence allowOverwrite.
  const records = domain.aliases.map((alias, index) => {
    const option = certificate.domainValidationOptions.apply(
      (options) => options.find((o) => o.domainName === alias) ?? options[index],
    );
    return new aws.route53.Record(
      `${name}-cdn-validation-${index}`,
      {
        zoneId: domain.hostedZoneId!,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        allowOverwrite: true,
      },
      { parent },
    );
  });
  const validation = new aws.acm.CertificateValidation(
    `${name}-cdn`,
    {
      region: CERTIFICATE_REGION,
      certificateArn: certificate.arn,
      validationRecordFqdns: records.map((record) => record.fqdn),
    },
    { parent },
  );
  return validation.certificateArn;
}

/** A and AAAA alias records for each alias, pointing at the distribution. */
export function aliasRecords(
  name: string,
  parent: pulumi.Resource,
  domain: CustomDomainArgs,
  distribution: aws.cloudfront.Distribution,
): aws.route53.Record[] {
  if (!domain.hostedZoneId) return [];
  return domain.aliases.flatMap((alias, index) =>
    ["A", "AAAA"].map(
      (type) =>
        new aws.route53.Record(
          `${name}-cdn-${index}-${type.toLowerCase()}`,
          {
            zoneId: domain.hostedZoneId!,
            name: alias,
            type,
            aliases: [
              {
                name: distribution.domainName,
                zoneId: distribution.hostedZoneId,
                evaluateTargetHealth: false,
              },
            ],
          },
          { parent },
        ),
    ),
  );
}
