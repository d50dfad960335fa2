/**
 * Single sign-on's configuration, read from the environment: apart from the protocol steps in
 * oidc.ts, so that reading the configuration (every CLI command does) does not load the
 * OpenID Connect client.
 */

/** Who a provider signs in: council staff, or residents. */
export type Audience = 'staff' | 'resident';
export const audiences: readonly Audience[] = ['staff', 'resident'];
export const isAudience = (text: string): text is Audience => (audiences as readonly string[]).includes(text);

export interface OidcProviderConfig {
  audience: Audience;
  /** The provider's issuer URL; its metadata is at <issuer>/.well-known/openid-configuration. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The words on the sign-in button, e.g. "Council single sign-on". */
  name: string;
}

export interface OidcProviders {
  staff?: OidcProviderConfig;
  resident?: OidcProviderConfig;
}

const defaultNames: Record<Audience, string> = { staff: 'Council single sign-on', resident: 'Sign in with your digital identity' };
const variablePrefix = (audience: Audience) => `TOWNHALL_${audience.toUpperCase()}_OIDC_`;

/** The variables for single sign-on, with their meaning: listed by --help and the README. */
export const oidcVariables: Array<[name: string, meaning: string]> = audiences.flatMap((audience): Array<[string, string]> => {
  const p = variablePrefix(audience);
  const who = audience === 'staff' ? 'staff' : 'residents';
  return [
    [`${p}ISSUER`, `OpenID Connect issuer URL that ${who} sign in through (optional; register <PUBLIC_URL>/sign-in/oidc/${audience}/callback there)`],
    [`${p}CLIENT_ID`, `Townhall's client id at that provider`],
    [`${p}CLIENT_SECRET`, `Townhall's client secret at that provider`],
    [`${p}NAME`, `the words on the sign-in button (default "${defaultNames[audience]}")`],
  ];
});

/** Reads both providers from the environment; a half-configured one is a problem, named in plain words. */
export function loadOidcProviders(env: Record<string, string | undefined>, problems: string[]): OidcProviders {
  const providers: OidcProviders = {};
  for (const audience of audiences) {
    const p = variablePrefix(audience);
    const read = (part: string) => env[`${p}${part}`]?.trim() || undefined;
    const issuer = read('ISSUER');
    const clientId = read('CLIENT_ID');
    const clientSecret = read('CLIENT_SECRET');
    const name = read('NAME');
    const setOnes = (['CLIENT_ID', 'CLIENT_SECRET', 'NAME'] as const).filter((part) => read(part) !== undefined);
    if (issuer === undefined) {
      if (setOnes.length > 0) problems.push(`${p}ISSUER is needed when ${p}${setOnes[0]} is set`);
      continue;
    }
    let ok = true;
    if (!isHttpUrl(issuer)) {
      problems.push(`${p}ISSUER must be an http:// or https:// address; got "${issuer}"`);
      ok = false;
    }
    for (const [part, value] of [['CLIENT_ID', clientId], ['CLIENT_SECRET', clientSecret]] as const) {
      if (value === undefined) {
        problems.push(`${p}${part} is needed when ${p}ISSUER is set`);
        ok = false;
      }
    }
    if (ok && clientId !== undefined && clientSecret !== undefined) {
      providers[audience] = { audience, issuer, clientId, clientSecret, name: name ?? defaultNames[audience] };
    }
  }
  return providers;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}
