/**
 * The Pulumi type tokens of the resources tests look for, each declared once and named as
 * its class is: `AWS.s3.Bucket` is the token of `aws.s3.Bucket`.
 */
export const AWS = {
  acm: {
    Certificate: "aws:acm/certificate:Certificate",
    CertificateValidation: "aws:acm/certificateValidation:CertificateValidation",
  },
  apigateway: {
    Account: "aws:apigateway/account:Account",
    Deployment: "aws:apigateway/deployment:Deployment",
    Integration: "aws:apigateway/integration:Integration",
    Method: "aws:apigateway/method:Method",
    MethodSettings: "aws:apigateway/methodSettings:MethodSettings",
    Resource: "aws:apigateway/resource:Resource",
    RestApi: "aws:apigateway/restApi:RestApi",
    Stage: "aws:apigateway/stage:Stage",
  },
  apigatewayv2: {
    Api: "aws:apigatewayv2/api:Api",
    Authorizer: "aws:apigatewayv2/authorizer:Authorizer",
    Integration: "aws:apigatewayv2/integration:Integration",
    Route: "aws:apigatewayv2/route:Route",
    Stage: "aws:apigatewayv2/stage:Stage",
  },
  cloudfront: {
    CachePolicy: "aws:cloudfront/cachePolicy:CachePolicy",
    Distribution: "aws:cloudfront/distribution:Distribution",
    KeyGroup: "aws:cloudfront/keyGroup:KeyGroup",
    MonitoringSubscription: "aws:cloudfront/monitoringSubscription:MonitoringSubscription",
    OriginAccessControl: "aws:cloudfront/originAccessControl:OriginAccessControl",
    OriginAccessIdentity: "aws:cloudfront/originAccessIdentity:OriginAccessIdentity",
    PublicKey: "aws:cloudfront/publicKey:PublicKey",
    ResponseHeadersPolicy: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
  },
  cloudwatch: {
    Dashboard: "aws:cloudwatch/dashboard:Dashboard",
    EventRule: "aws:cloudwatch/eventRule:EventRule",
    EventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    LogDelivery: "aws:cloudwatch/logDelivery:LogDelivery",
    LogDeliveryDestination: "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
    LogDeliverySource: "aws:cloudwatch/logDeliverySource:LogDeliverySource",
    LogGroup: "aws:cloudwatch/logGroup:LogGroup",
    MetricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  },
  dynamodb: {
    Table: "aws:dynamodb/table:Table",
  },
  iam: {
    Role: "aws:iam/role:Role",
    RolePolicy: "aws:iam/rolePolicy:RolePolicy",
  },
  kms: {
    Key: "aws:kms/key:Key",
  },
  lambda: {
    Function: "aws:lambda/function:Function",
    FunctionEventInvokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    Permission: "aws:lambda/permission:Permission",
  },
  mediaconvert: {
    Queue: "aws:mediaconvert/queue:Queue",
  },
  mediapackage: {
    Channel: "aws:mediapackage/channel:Channel",
  },
  route53: {
    Record: "aws:route53/record:Record",
  },
  s3: {
    Bucket: "aws:s3/bucket:Bucket",
    BucketCorsConfiguration: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    BucketLifecycleConfiguration:
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    BucketNotification: "aws:s3/bucketNotification:BucketNotification",
    BucketObjectv2: "aws:s3/bucketObjectv2:BucketObjectv2",
    BucketOwnershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    BucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    BucketServerSideEncryptionConfiguration:
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    BucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
  },
  secretsmanager: {
    Secret: "aws:secretsmanager/secret:Secret",
    SecretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  },
  sns: {
    Topic: "aws:sns/topic:Topic",
    TopicSubscription: "aws:sns/topicSubscription:TopicSubscription",
  },
  sqs: {
    Queue: "aws:sqs/queue:Queue",
    QueuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  },
} as const;

export const AWS_NATIVE = {
  mediapackage: {
    OriginEndpoint: "aws-native:mediapackage:OriginEndpoint",
  },
} as const;
