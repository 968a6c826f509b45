// The policy pack: Pulumi runs it from this folder (`pulumi preview --policy-pack policies`).
// Rules live in ./rules, where tests and the offline plan import them without starting
// the pack's server.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_NAME } from "./rules";

new PolicyPack(PACK_NAME, { enforcementLevel: "mandatory", policies: allPolicies });
