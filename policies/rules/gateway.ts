/** API Gateway in front of the KMS: IAM-authorized, https upstream, access-logged. */
import { resourceRule } from "./util";

export const methodIamAuthorization = resourceRule(
  {
    name: "apigateway-method-iam-authorization",
    description:
      'Requires every API Gateway method to use authorization "AWS_IAM", so only roles granted execute-api:Invoke (MediaConvert, MediaPackage) can reach the key server.',
  },
  ["aws:apigateway/method:Method"],
  (props, report) => {
    if (props.authorization !== "AWS_IAM") {
      report(
        `Method ${props.httpMethod ?? ""} uses authorization ${props.authorization ?? "(none)"}, not AWS_IAM.`,
      );
    }
  },
);

export const integrationHttps = resourceRule(
  {
    name: "apigateway-integration-https",
    description:
      "Requires every HTTP or HTTP_PROXY API Gateway integration to call an https:// URI.",
  },
  ["aws:apigateway/integration:Integration"],
  (props, report) => {
    if (
      ["HTTP", "HTTP_PROXY"].includes(props.type) &&
      !String(props.uri ?? "").startsWith("https://")
    ) {
      report(`The integration calls ${props.uri}, which is not https.`);
    }
  },
);

export const stageAccessLogging = resourceRule(
  {
    name: "apigateway-stage-access-logging",
    description:
      "Requires every API Gateway stage to send access logs (accessLogSettings.destinationArn).",
  },
  ["aws:apigateway/stage:Stage"],
  (props, report) => {
    if (!props.accessLogSettings?.destinationArn) report("The stage has no access logging.");
  },
);

export const gatewayPolicies = [methodIamAuthorization, integrationHttps, stageAccessLogging];
