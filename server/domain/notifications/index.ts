export * from "./audit-notification";
export * from "./notification";
export * from "./retry-policy";
export * from "./webhook-body";
