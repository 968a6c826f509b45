/**
 * The CloudWatch namespace of every metric the functions emit, in a module of its own
 * so the dashboard reads it without loading Powertools.
 */
export const METRICS_NAMESPACE = "VodMultiDrm";
