import { io as connectClient, type Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { createApiToken } from "../services/tokens/create-api-token";
import { revokeApiToken } from "../services/tokens/revoke-api-token";
import type { TokenScope } from "../services/tokens/token-scopes";
import { useDemoServer } from "../testing/demo-server";

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

  /** Connects with `auth.token`; resolves with the socket, or with the handshake's refusal. */
  function connect(secret: string): Promise<Socket | Error> {
    const socket = connectClient(app.server.url, {
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
