export * from "./alert-rules";
export * from "./burn-rate";
export * from "./slo-decision";
export * from "./slo-definition";
