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

  it("refuses a simulator interval that is not whole seconds (every sample it wrote would be refused)", () => {
    expect(() => readEnv({ SLUICE_SIMULATOR_INTERVAL_SECONDS: "2.5" })).toThrow(
      /SLUICE_SIMULATOR_INTERVAL_SECONDS: /,
    );
    expect(readEnv({ SLUICE_SIMULATOR_INTERVAL_SECONDS: "5" })).toMatchObject({
      SLUICE_SIMULATOR_INTERVAL_SECONDS: 5,
    });
  });

  it("refuses a Prometheus query delay the analysis would read as an outage every interval", () => {
    expect(() =>
      readEnv({ SLUICE_PROMETHEUS_INTERVAL_SECONDS: "10", SLUICE_PROMETHEUS_QUERY_DELAY_SECONDS: "5" }),
    ).toThrow(
      /SLUICE_PROMETHEUS_QUERY_DELAY_SECONDS: must be under half of SLUICE_PROMETHEUS_INTERVAL_SECONDS \(5 s\)/,
    );
    expect(
      readEnv({ SLUICE_PROMETHEUS_INTERVAL_SECONDS: "10", SLUICE_PROMETHEUS_QUERY_DELAY_SECONDS: "4" }),
    ).toMatchObject({ SLUICE_PROMETHEUS_QUERY_DELAY_SECONDS: 4 });
  });
});
