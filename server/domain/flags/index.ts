export * from "./check-flag";
export * from "./evaluate-flag";
export * from "./flag-types";
export * from "./match-condition";
export * from "./semver";
