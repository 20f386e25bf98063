import { io as connectClient, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../http/http-test-server";
import { createApiToken } from "../services/tokens/create-api-token";
import { revokeApiToken } from "../services/tokens/revoke-api-token";
import type { TokenScope } from "../services/tokens/token-scopes";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { useDemoServer } from "../testing/demo-server";

/** Connects with `auth.token`; resolves with the socket, or with the handshake's refusal. */
function connectWith(url: string, secret: string, sockets: Socket[]): Promise<Socket | Error> {
  const socket = connectClient(url, {
    transports: ["websocket"],
    auth: { token: secret },
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", resolve);
  });
}

/** Machines (controllers, chat bots) watch the dashboard's rooms with an API token instead of a session. */
describe("socket connections with an API token", () => {
  const sockets: Socket[] = [];
  const app = useDemoServer(() => {
    for (const socket of sockets) socket.close();
  });

  const token = async (scopes: TokenScope[]) =>
    createApiToken(app.demo.services, app.demo.actor("admin"), {
      name: `socket ${scopes.join(",")}`,
      scopes,
    });

  const connect = (secret: string) => connectWith(app.server.url, secret, sockets);

  it("lets a token of scope read join the rooms a viewer may see", async () => {
    const { secret } = await token(["read"]);
    const socket = await connect(secret);
    expect(socket).not.toBeInstanceOf(Error);
    const joined = await (socket as Socket).emitWithAck("subscribe", "overview");
    expect(joined).toMatchObject({ ok: true });
  });

  it("refuses a token without the read scope, an unknown one and a revoked one", async () => {
    const writer = await token(["metrics:write"]);
    expect(await connect(writer.secret)).toMatchObject({ message: "unauthorized" });
    expect(await connect("slc_not-a-token")).toMatchObject({ message: "unauthorized" });

    const reader = await token(["read"]);
    await revokeApiToken(app.demo.services, app.demo.actor("admin"), reader.token.id);
    expect(await connect(reader.secret)).toMatchObject({ message: "unauthorized" });
  });

  it("drops a connected machine once its token is revoked", async () => {
    const reader = await token(["read"]);
    const socket = (await connect(reader.secret)) as Socket;
    expect(await socket.emitWithAck("subscribe", "overview")).toMatchObject({ ok: true });
    const dropped = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    await revokeApiToken(app.demo.services, app.demo.actor("admin"), reader.token.id);
    // The sweep of open sockets (every few seconds) finds the token revoked.
    expect(await dropped).toBe("transport close");
  }, 30_000);
});

describe("guessing tokens over a socket", () => {
  const sockets: Socket[] = [];
  let demo: DemoFixture;
  let server: TestServer;
  beforeAll(async () => {
    demo = await createDemoFixture();
    server = await startTestServer(demo.services, { unknownTokens: { burst: 2, perMinute: 1 } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
    await demo.database.drop();
  });

  it("spends the address's budget of unknown tokens that the API and OFREP share, then refuses before any lookup", async () => {
    const { secret } = await createApiToken(demo.services, demo.actor("admin"), {
      name: "watcher",
      scopes: ["read"],
    });
    const connect = (token: string) => connectWith(server.url, token, sockets);
    expect(await connect("slc_guess-1")).toMatchObject({ message: "unauthorized" });
    expect(await connect("slc_guess-2")).toMatchObject({ message: "unauthorized" });
    expect(await connect("slc_guess-3")).toMatchObject({ message: "too many unknown tokens" });
    // The same count as the API's: the address is refused there too, whatever token it presents.
    const api = await fetch(`${server.url}/api/v1/rollouts`, {
      headers: { Authorization: `Bearer ${secret}` },
    });
    expect(api.status).toBe(429);
    expect(await connect(secret)).toMatchObject({ message: "too many unknown tokens" });
  });
});
