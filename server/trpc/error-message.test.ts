import superjson from "superjson";
import { describe, expect, it } from "vitest";
import type { Role } from "../auth/permissions";
import { CSRF_HEADER } from "../http/csrf";
import { sessionCookie } from "../http/http-test-server";
import { declareIncident } from "../services/incidents/declare-incident";
import { resolveIncident } from "../services/incidents/resolve-incident";
import { useDemoServer } from "../testing/demo-server";

type Refusal = { status: number; message: string; code: string; field: string | undefined };

/**
 * What a browser reads of a refused tRPC call, over real HTTP (the error formatter only runs there):
 * bad input reads "field: message" with the field in `data.field`, whichever procedure refused it.
 */
describe("tRPC error messages as the client receives them", () => {
  const app = useDemoServer();

  /** The refusal of a mutation as the browser receives it: HTTP status and tRPC's error JSON. */
  async function refusal(role: Role, path: string, input: unknown) {
    const response = await fetch(`${app.server.url}/api/trpc/${path}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Cookie: await sessionCookie(app.demo.actor(role)),
        [CSRF_HEADER]: "1",
      },
      body: JSON.stringify(superjson.serialize(input)),
    });
    const body = (await response.json()) as {
      error?: { json: { message: string; data: { code: string; field?: string; appCode?: string } } };
    };
    if (!body.error) throw new Error(`${path} was not refused (HTTP ${response.status})`);
    return { status: response.status, ...body.error.json };
  }

  async function mutate(role: Role, path: string, input: unknown): Promise<Refusal> {
    const { status, message, data } = await refusal(role, path, input);
    return { status, message, code: data.code, field: data.field };
  }

  const gate = {
    name: "errors",
    metric: "error-rate",
    badDirection: "higher",
    minRelativeChange: 0.2,
    minAbsoluteChange: 0.001,
    minSamples: 100,
    critical: true,
  };

  it("names a nested field of a bad input, in the form the REST API and the domain use", async () => {
    expect(
      await mutate("admin", "admin.setGateDefaults", { gates: [gate, { ...gate, minSamples: 0 }] }),
    ).toEqual({
      status: 400,
      code: "BAD_REQUEST",
      message: "gates[1].minSamples: must be at least 1",
      field: "gates[1].minSamples",
    });
    expect(await mutate("admin", "admin.setGateDefaults", { gates: [{ ...gate, extra: 1 }] })).toEqual({
      status: 400,
      code: "BAD_REQUEST",
      message: "gates[0].extra: unknown field",
      field: "gates[0].extra",
    });
  });

  it("names a top-level field, and the input itself when it is not an object at all", async () => {
    expect(await mutate("operator", "rollouts.pause", { id: "" })).toEqual({
      status: 400,
      code: "BAD_REQUEST",
      message: "id: must not be empty",
      field: "id",
    });
    const notAnObject = await mutate("operator", "rollouts.pause", "checkout-api");
    expect(notAnObject).toMatchObject({ status: 400, code: "BAD_REQUEST", field: "input" });
    expect(notAnObject.message).toMatch(/^input: .*expected object/);
  });

  it("prefixes a service's input refusal with its field, and leaves other refusals' sentences whole", async () => {
    const id = app.demo.rollouts.search as string;
    expect(await mutate("release_manager", "rollouts.advanceSchemaPhase", { id })).toEqual({
      status: 400,
      code: "BAD_REQUEST",
      message: `id: rollout ${id} is not tagged schema-affecting: it has no schema phases`,
      field: "id",
    });
    expect(await mutate("operator", "rollouts.pause", { id: "missing" })).toEqual({
      status: 404,
      code: "NOT_FOUND",
      message: "No rollout with id missing",
      field: "id",
    });
    expect(await mutate("viewer", "rollouts.pause", { id })).toEqual({
      status: 403,
      code: "FORBIDDEN",
      message: "Role viewer may not rollouts:pause",
      field: undefined,
    });
  });
  it("refuses an incident's bad service names as input, once prefixed, and never as an internal error", async () => {
    const incident = { title: "checkout down", severity: "sev2" };
    expect(await mutate("operator", "incidents.declare", { ...incident, services: [] })).toEqual({
      status: 400,
      code: "BAD_REQUEST",
      message: "services: name at least one service or *",
      field: "services",
    });
    expect(await mutate("operator", "incidents.declare", { ...incident, services: ["a\u0000b"] })).toEqual({
      status: 400,
      code: "BAD_REQUEST",
      message: "services[0]: must be valid Unicode without NUL characters",
      field: "services[0]",
    });
    expect(await mutate("admin", "tokens.revoke", { id: "" })).toMatchObject({
      message: "id: must not be empty",
    });
  });

  it("tells a frozen command from an illegal one in data.appCode, as REST's 423 and 412 do", async () => {
    const appCodeOf = async (role: Role, path: string, input: unknown) =>
      (await refusal(role, path, input)).data;
    const search = app.demo.rollouts.search as string;
    expect(await appCodeOf("release_manager", "rollouts.start", { id: search })).toMatchObject({
      code: "PRECONDITION_FAILED",
      appCode: "ILLEGAL_TRANSITION",
    });
    const operator = app.demo.actor("operator");
    const incident = await declareIncident(app.demo.services, operator, {
      title: "profile down",
      severity: "sev2",
      services: ["profile"],
    });
    try {
      const profile = app.demo.rollouts.profile as string;
      expect(await appCodeOf("release_manager", "rollouts.start", { id: profile })).toMatchObject({
        code: "PRECONDITION_FAILED",
        appCode: "FROZEN",
      });
    } finally {
      await resolveIncident(app.demo.services, operator, { id: incident.id });
    }
  });
});
