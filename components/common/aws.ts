/**
 * The parts of `@pulumi/aws` this program uses, each from its own module: import this as
 * `aws` in place of `@pulumi/aws`. The package's index loads all of the provider's ~300
 * service modules, about 80 ms of every deploy under the language host (which connects
 * V8's inspector, so each module loaded costs more). These are the very modules the index
 * re-exports: the classes, functions and types are the same.
 */
export * as acm from "@pulumi/aws/acm";
export * as apigateway from "@pulumi/aws/apigateway";
export * as apigatewayv2 from "@pulumi/aws/apigatewayv2";
export * as cloudfront from "@pulumi/aws/cloudfront";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as dynamodb from "@pulumi/aws/dynamodb";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lambda from "@pulumi/aws/lambda";
export * as mediaconvert from "@pulumi/aws/mediaconvert";
export * as mediapackage from "@pulumi/aws/mediapackage";
export * as route53 from "@pulumi/aws/route53";
export * as s3 from "@pulumi/aws/s3";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as sns from "@pulumi/aws/sns";
export * as sqs from "@pulumi/aws/sqs";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export { getRegionOutput } from "@pulumi/aws/getRegion";
