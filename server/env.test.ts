import { describe, expect, it } from "vitest";
import { readEnv } from "./env";

describe("readEnv", () => {
  it("defaults to the embedded database on port 3000", () => {
    const env = readEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).toMatchObject({ PORT: 3000, SLUICE_DATA_DIR: "./data", SLUICE_SEED_DEMO: true });
  });

  it("names every bad variable", () => {
    expect(() => readEnv({ PORT: "eighty", NEXTAUTH_SECRET: "short" })).toThrow(
      /PORT: .*\n {2}NEXTAUTH_SECRET: NEXTAUTH_SECRET must be at least 32 characters/,
    );
  });
});
