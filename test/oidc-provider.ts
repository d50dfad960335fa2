/**
 * A real OpenID Connect provider for tests: oidc-provider (v9) on 127.0.0.1, plain http, with its
 * built-in development login and consent pages (any password is accepted; the login name picks
 * the account). It listens first, so its issuer URL can be given to Townhall's configuration,
 * and takes its client once Townhall's own address (the redirect URIs) is known.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestAccount {
  /** What the person types as their login at the provider; also their subject (sub). */
  login: string;
  email: string;
  name: string;
  /** Whether the provider vouches for the email address (default true). */
  emailVerified?: boolean;
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface RunningProvider {
  /** e.g. http://127.0.0.1:41235 */
  issuer: string;
  /** Registers Townhall as the provider's one client; until then the provider answers 503. */
  registerClient(client: TestClient): Promise<void>;
  close(): Promise<void>;
}

/**
 * The part of oidc-provider's API used here. The package ships no types (they live in the
 * separate @types/oidc-provider, not a dependency), so it is loaded through this shape.
 */
interface ProviderModule {
  default: new (issuer: string, configuration: Record<string, unknown>) => { callback(): (req: IncomingMessage, res: ServerResponse) => void };
}

interface ProviderAccount {
  accountId: string;
  claims(): Promise<Record<string, unknown>>;
}

export async function startOidcProvider(options: { accounts: TestAccount[] }): Promise<RunningProvider> {
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handle) return handle(req, res);
    res.writeHead(503).end('no client registered yet');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map(options.accounts.map((account) => [account.login, account]));

  return {
    issuer,
    async registerClient(client) {
      // A variable, not a literal, so TypeScript does not look for the missing type declarations.
      const moduleName = 'oidc-provider';
      const { default: Provider } = (await import(moduleName)) as ProviderModule;
      const provider = new Provider(issuer, {
        clients: [{
          client_id: client.clientId, client_secret: client.clientSecret, redirect_uris: client.redirectUris,
          grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
        }],
        async findAccount(_ctx: unknown, sub: string): Promise<ProviderAccount | undefined> {
          const account = accounts.get(sub);
          if (!account) return undefined;
          return { accountId: sub, claims: async () => ({ sub, email: account.email, email_verified: account.emailVerified ?? true, name: account.name }) };
        },
        // Scopes follow from the claims named here: "email" and "profile".
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
        // Every authorization request must carry a PKCE challenge, as a council's provider should demand.
        pkce: { required: () => true },
        features: { devInteractions: { enabled: true } },
        // Short lives, stated, so the provider does not warn about its defaults.
        ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
        cookies: { keys: [randomBytes(32).toString('base64url')] },
        jwks: { keys: [signingKey()] },
      });
      handle = provider.callback();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One RSA key per test process, so the provider does not fall back to its public development keys. */
let key: Record<string, unknown> | undefined;
function signingKey(): Record<string, unknown> {
  key ??= { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };
  return key;
}
