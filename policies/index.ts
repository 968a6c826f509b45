// The policy pack that `pulumi preview --policy-pack policies` runs from this folder.
// The rules live in ./rules, where the tests and the offline plan import them without
// starting the pack's server.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_NAME } from "./rules";

new PolicyPack(PACK_NAME, { enforcementLevel: "mandatory", policies: allPolicies });
