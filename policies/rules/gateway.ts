/** API Gateway in front of the KMS: IAM-authorized, https upstream, access-logged. */
import { isSet, resourceRule, UNKNOWN } from "./util";

export const methodIamAuthorization = resourceRule(
  {
    name: "apigateway-method-iam-authorization",
    description:
      'Requires every API Gateway method to use authorization "AWS_IAM", so only roles granted execute-api:Invoke (MediaConvert, MediaPackage) reach the key server. OPTIONS is not exempt unless listed in exemptHttpMethods: AWS services, not browsers, call this API.',
    configSchema: {
      properties: {
        exemptHttpMethods: { type: "array", items: { type: "string" }, default: [] },
      },
    },
    binds: { at: "preview", reason: "HTTP methods and authorization types are literals." },
  },
  ["aws:apigateway/method:Method"],
  (props, report, args) => {
    const { exemptHttpMethods = [] } = args.getConfig<{ exemptHttpMethods?: string[] }>();
    const method = String(props.httpMethod ?? "");
    if (exemptHttpMethods.some((exempt) => exempt.toUpperCase() === method.toUpperCase())) return;
    if (props.authorization !== "AWS_IAM") {
      report(
        `Method ${method} uses authorization ${props.authorization ?? "(none)"}, not AWS_IAM.`,
      );
    }
  },
);

export const integrationHttps = resourceRule(
  {
    name: "apigateway-integration-https",
    description:
      "Requires every HTTP or HTTP_PROXY API Gateway integration to call an https:// URI.",
    binds: {
      at: "preview",
      reason:
        "The integration type is a literal and the URI is the KMS URL from stack config; a URI that is another resource's output would wait for `pulumi up`.",
    },
  },
  ["aws:apigateway/integration:Integration"],
  (props, report, _args, later) => {
    if (!["HTTP", "HTTP_PROXY"].includes(props.type)) return;
    const uri = later(() => props.uri);
    if (uri !== UNKNOWN && !String(uri ?? "").startsWith("https://"))
      report(`The integration calls ${uri ?? "(no URI)"}, which is not https.`);
  },
);

export const stageAccessLogging = resourceRule(
  {
    name: "apigateway-stage-access-logging",
    description:
      "Requires every API Gateway stage to send access logs to CloudWatch Logs or Firehose (accessLogSettings.destinationArn and format).",
    binds: {
      at: "preview",
      reason: "The log destination is a reference to a log group and counts as set.",
    },
  },
  ["aws:apigateway/stage:Stage"],
  (props, report) => {
    const settings = props.accessLogSettings;
    if (!settings || !isSet(() => settings.destinationArn))
      report(`Stage ${props.stageName ?? ""} has no access logging.`);
  },
);

export const gatewayPolicies = [methodIamAuthorization, integrationHttps, stageAccessLogging];
