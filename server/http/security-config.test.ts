import { describe, expect, it } from "vitest";
import { securityConfigFromEnv } from "./security-config";

describe("security settings from the environment", () => {
  it("defaults OFREP far above the machine API, since one token often serves a fleet", () => {
    const config = securityConfigFromEnv({ NODE_ENV: "production" });
    expect(config.rateLimits.ofrep).toEqual({ burst: 2_000, perMinute: 600_000 });
    expect(config.rateLimits.api).toEqual({ burst: 600, perMinute: 1200 });
  });

  it("reads each limit, OFREP's up to 100 million a minute", () => {
    const config = securityConfigFromEnv({
      NODE_ENV: "production",
      SLUICE_RATE_OFREP_BURST: "50000",
      SLUICE_RATE_OFREP_PER_MINUTE: "6000000",
      SLUICE_RATE_API_PER_MINUTE: "30",
    });
    expect(config.rateLimits.ofrep).toEqual({ burst: 50_000, perMinute: 6_000_000 });
    expect(config.rateLimits.api.perMinute).toBe(30);
  });

  it("refuses a bad value, naming the variable", () => {
    expect(() =>
      securityConfigFromEnv({ NODE_ENV: "production", SLUICE_RATE_OFREP_PER_MINUTE: "lots" }),
    ).toThrow(/^SLUICE_RATE_OFREP_PER_MINUTE: /);
    expect(() => securityConfigFromEnv({ NODE_ENV: "production", SLUICE_RATE_API_BURST: "0" })).toThrow(
      /^SLUICE_RATE_API_BURST: /,
    );
  });

  it("reads the origins allowed to call OFREP from a browser, refusing anything but an origin", () => {
    expect(securityConfigFromEnv({ NODE_ENV: "production" }).ofrepAllowedOrigins).toEqual([]);
    const config = securityConfigFromEnv({
      NODE_ENV: "production",
      SLUICE_OFREP_ALLOWED_ORIGINS: "https://shop.example, http://localhost:5173",
    });
    expect(config.ofrepAllowedOrigins).toEqual(["https://shop.example", "http://localhost:5173"]);
    expect(() =>
      securityConfigFromEnv({
        NODE_ENV: "production",
        SLUICE_OFREP_ALLOWED_ORIGINS: "https://shop.example/app",
      }),
    ).toThrow(/^SLUICE_OFREP_ALLOWED_ORIGINS\.0: must be an origin/);
  });
});
