import { generateKeyPairSync, type JsonWebKey } from "node:crypto";
import { createServer, type Server } from "node:http";
// @ts-expect-error oidc-provider ships no type declarations; the little used here is typed below.
import Provider from "oidc-provider";

/** One person at the test provider; the browser signs in with the id (devInteractions take any password). */
export interface TestIdentity {
  email: string;
  name: string;
  groups: string[];
}

export interface TestOidcProvider {
  issuer: string;
  stop(): Promise<void>;
}

interface ProviderInstance {
  callback(): (req: unknown, res: unknown) => void;
  on(event: "server_error", listener: (ctx: unknown, error: Error) => void): void;
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

/**
 * A real OpenID provider (panva's certified `oidc-provider`) on loopback, in the test process: one
 * confidential client for Sluice, identities with a `groups` claim behind the `groups` scope, PKCE
 * required, and the built-in development login and consent pages for the browser to fill in. Groups are
 * sent as the spec's default puts them: in userinfo, not in the ID token.
 */
export async function startTestOidcProvider(options: {
  port: number;
  client: { id: string; secret: string; redirectUri: string };
  identities: Record<string, TestIdentity>;
}): Promise<TestOidcProvider> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKey: JsonWebKey = {
    ...privateKey.export({ format: "jwk" }),
    kid: "e2e",
    alg: "RS256",
    use: "sig",
  };
  const provider = new (Provider as ProviderConstructor)(issuer, {
    clients: [
      {
        client_id: options.client.id,
        client_secret: options.client.secret,
        redirect_uris: [options.client.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ["sluice-e2e-oidc-cookie-key"] },
    async findAccount(_ctx: unknown, id: string) {
      const identity = options.identities[id];
      if (!identity) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: id, ...identity, email_verified: true }),
      };
    },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
      groups: ["groups"],
    },
    scopes: ["openid", "email", "profile", "groups"],
    features: { devInteractions: { enabled: true } },
    pkce: { methods: ["S256"], required: () => true },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
  });
  const errors: Error[] = [];
  provider.on("server_error", (_ctx, error) => errors.push(error));
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  return {
    issuer,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (errors.length)
        throw new Error(`the test OIDC provider failed: ${errors.map((e) => e.stack).join("\n")}`);
    },
  };
}
