/**
 * The council's own look: its logo and its header colour. The CSP forbids inline styles, so the
 * colour is a tiny stylesheet of its own, linked from the page head only when one is set.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { ConfigError, type Branding } from '../config.js';
import { publicAccess } from '../identity/access.js';

const logoTypes: Record<string, string> = { png: 'image/png', svg: 'image/svg+xml', webp: 'image/webp' };

/** The stylesheet for a brand colour (config has checked it is #rrggbb and dark enough for white text). */
export const themeStylesheet = (colour: string): string => `.site-header { background: ${colour}; }\n`;

export function brandingRoutes(app: FastifyInstance, branding: Branding): void {
  // Read once at start: a missing file is a configuration mistake, told before anyone visits.
  let logo: { bytes: Buffer; type: string } | null = null;
  if (branding.logoFile) {
    const extension = branding.logoFile.split('.').pop()?.toLowerCase() ?? '';
    try {
      logo = { bytes: readFileSync(branding.logoFile), type: logoTypes[extension] ?? 'application/octet-stream' };
    } catch (error) {
      throw new ConfigError([`TOWNHALL_LOGO_FILE ${branding.logoFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
    }
  }
  const theme = branding.colour ? themeStylesheet(branding.colour) : null;

  app.get('/branding/logo', { config: { access: publicAccess }, schema: { hide: true } }, async (_request, reply) => {
    if (!logo) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('This council has no logo set.');
    // An SVG opened on its own runs no script: the site-wide CSP forbids inline script.
    return reply.header('content-type', logo.type).header('cache-control', 'public, max-age=3600').send(logo.bytes);
  });
  app.get('/branding/theme.css', { config: { access: publicAccess }, schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600')
      .send(theme ?? '/* No brand colour is set. */\n'));
}
