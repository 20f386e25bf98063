export * from "./audit-csv";
export * from "./canonical-json";
export * from "./hash-chain";
export * from "./personal-data";
export * from "./verify-chain";
