// A real OpenID provider (the `oidc-provider` package, with its development login and consent pages) on a free
// port, for the Studio's single sign-on. Any login and password sign in as the subject typed as the login.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface OidcIssuer {
  url: string;
  clientId: string;
  close(): Promise<void>;
}

export async function startOidcIssuer(options: { redirectUrl: string }): Promise<OidcIssuer> {
  const clientId = 'studio-e2e';
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(url, {
    clients: [{
      client_id: clientId, token_endpoint_auth_method: 'none', redirect_uris: [options.redirectUrl],
      grant_types: ['authorization_code'], response_types: ['code'],
    }],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name'] },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, name: `Name of ${sub}` }) }),
    cookies: { keys: ['studio-e2e-oidc-cookie-key'] },
    // Set, not defaulted, so the provider does not print a notice for each of them.
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    jwks: { keys: [{ ...jwk, kid: 'e2e-signing-key', use: 'sig', alg: 'RS256' }] },
  });
  server.on('request', provider.callback());
  return {
    url,
    clientId,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
