/** KMS: customer-managed keys rotate. */
import { isSet, resourceRule } from "./util";

/** Key specs AWS can rotate automatically: symmetric encryption keys only. */
const ROTATABLE_KEY_SPEC = "SYMMETRIC_DEFAULT";

export const keyRotationEnabled = resourceRule(
  {
    name: "kms-key-rotation-enabled",
    description:
      "Requires every symmetric customer-managed KMS key to set enableKeyRotation: true. Asymmetric and HMAC keys, and keys in a custom key store, cannot rotate automatically and are not checked.",
    binds: { at: "preview", reason: "The key spec, usage and rotation flag are literals." },
  },
  ["aws:kms/key:Key"],
  (props, report) => {
    const spec = props.customerMasterKeySpec ?? ROTATABLE_KEY_SPEC;
    const rotatable =
      spec === ROTATABLE_KEY_SPEC &&
      props.keyUsage !== "GENERATE_VERIFY_MAC" &&
      !isSet(() => props.customKeyStoreId);
    if (!rotatable) return;
    if (props.enableKeyRotation !== true) report("The key does not rotate: set enableKeyRotation.");
  },
);

export const encryptionPolicies = [keyRotationEnabled];
