import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where a stack deploys: the partition, region and account, for ARNs and conditions. */
export interface AccountContext {
  readonly partition: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
}

/**
 * The partition, region and account of the aws provider the options select. Provider
 * functions run at preview too, so these are known before anything is created.
 */
export function accountContext(opts: pulumi.InvokeOutputOptions): AccountContext {
  return {
    partition: aws.getPartitionOutput({}, opts).partition,
    region: aws.getRegionOutput({}, opts).region,
    accountId: aws.getCallerIdentityOutput({}, opts).accountId,
  };
}
