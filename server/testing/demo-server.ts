import { afterAll, beforeAll } from "vitest";
import { startTestServer, type TestServer } from "../http/http-test-server";
import { createDemoFixture, type DemoFixture } from "./demo-fixture";

/**
 * The demo database and the app's test server over it, for the describe block that calls this: started
 * before its tests; after them `cleanup` runs (e.g. closing the sockets the tests opened), then the
 * server closes and the database is dropped. Read `demo` and `server` inside tests and hooks.
 */
export function useDemoServer(cleanup?: () => void): { demo: DemoFixture; server: TestServer } {
  const fixture = {} as { demo: DemoFixture; server: TestServer };
  beforeAll(async () => {
    fixture.demo = await createDemoFixture();
    fixture.server = await startTestServer(fixture.demo.services);
  });
  afterAll(async () => {
    cleanup?.();
    await fixture.server?.close();
    await fixture.demo?.database.drop();
  });
  return fixture;
}
