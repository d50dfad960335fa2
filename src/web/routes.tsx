/**
 * Static files: everything in ./assets (stylesheet, map and offline scripts) and the map library's
 * own files under /assets/leaflet/, plus the service worker at /sw.js (it must sit at the root to
 * look after every page). All are read into memory at start with their gzip and brotli versions
 * made once, so a request costs a lookup: nothing on disk is ever opened by a path from a request.
 * Also the language hook every page relies on.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, constants as zlib, gunzipSync, gzipSync } from 'node:zlib';
import { acceptedEncodings } from '../platform/compression.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rememberChoice } from '../i18n/i18n.js';
import { clientStringFiles } from '../offline/client-strings.js';
import { publicAccess } from '../identity/access.js';

const contentTypes: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};
/** Already compressed (images): gzip would only cost time. */
const compressible = new Set(['.css', '.js', '.json', '.webmanifest', '.svg', '.txt']);

interface Variant { body: Buffer; etag: string }
export interface Asset {
  type: string;
  identity: Variant;
  gzip?: Variant;
  br?: Variant;
}

const makeAsset = (file: string): Asset => assetOf(readFileSync(file), extname(file));

function assetOf(body: Buffer, extension: string): Asset {
  const digest = createHash('sha256').update(body).digest('base64url');
  const hash = digest.slice(0, 22);
  const asset: Asset = { type: contentTypes[extension] ?? 'application/octet-stream', identity: { body, etag: `"${hash}"` } };
  if (compressible.has(extension)) {
    asset.gzip = { body: compressedOnce(body, `${digest}.l9.gz`, () => gzipSync(body, { level: 9 }), gunzipSync), etag: `"${hash}-gz"` };
    asset.br = {
      body: compressedOnce(body, `${digest}.q11.br`, () => brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }), brotliDecompressSync),
      etag: `"${hash}-br"`,
    };
  }
  return asset;
}

/**
 * A compressed copy of an asset. Brotli at its best costs half a second of CPU for the assets
 * together, at every start; processes that start many times over (the test suite starts a few
 * hundred) may keep the copies in a folder named by TOWNHALL_ASSET_CACHE_DIR, under the
 * content's hash. A copy found there is used only if it decompresses to exactly the asset, so
 * a stale, broken or planted file is never served: it is made again.
 */
function compressedOnce(body: Buffer, name: string, compress: () => Buffer, decompress: (data: Buffer) => Buffer): Buffer {
  const folder = process.env.TOWNHALL_ASSET_CACHE_DIR;
  if (!folder) return compress();
  const file = join(folder, name);
  try {
    const kept = readFileSync(file);
    if (decompress(kept).equals(body)) return kept;
  } catch { /* not there yet, or not a valid copy */ }
  const made = compress();
  try {
    mkdirSync(folder, { recursive: true });
    // Written under a name of its own and renamed: a process starting meanwhile never reads half.
    const writing = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(writing, made);
    renameSync(writing, file);
  } catch { /* a cache that cannot be written only costs the time */ }
  return made;
}

/** Every file under `dir` (known types only), by its path below `prefix`. */
function collect(into: Map<string, Asset>, dir: string, prefix: string): void {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) collect(into, file, `${prefix}${name}/`);
    else if (contentTypes[extname(name)]) into.set(`${prefix}${name}`, makeAsset(file));
  }
}

const assetsDir = fileURLToPath(new URL('./assets/', import.meta.url));
const leafletDist = join(dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');

let loaded: Map<string, Asset> | undefined;

/**
 * The files served under /assets/, keyed by their path after /assets/. Made once per process
 * (brotli at its best takes most of a second), however many apps the process builds.
 */
export function loadAssets(): Map<string, Asset> {
  if (loaded) return loaded;
  const assets = new Map<string, Asset>();
  collect(assets, assetsDir, '');
  for (const name of ['leaflet.js', 'leaflet.css']) assets.set(`leaflet/${name}`, makeAsset(join(leafletDist, name)));
  collect(assets, join(leafletDist, 'images'), 'leaflet/images/');
  for (const [name, body] of clientStringFiles()) assets.set(name, assetOf(body, '.json'));
  loaded = assets;
  return assets;
}

/** Picks the smallest variant the browser takes, answers 304 when it already has it. */
export function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string): FastifyReply {
  const codings = acceptedEncodings(request.headers['accept-encoding']);
  const [encoding, variant] = asset.br && codings.has('br') ? ['br', asset.br]
    : asset.gzip && (codings.has('gzip') || codings.has('x-gzip')) ? ['gzip', asset.gzip] : [null, asset.identity];
  reply.header('content-type', asset.type).header('cache-control', cacheControl).header('etag', variant.etag);
  if (asset.gzip) reply.header('vary', 'Accept-Encoding');
  const known = (request.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (known.includes(variant.etag) || known.includes('*')) return reply.code(304).send();
  if (encoding) reply.header('content-encoding', encoding);
  return reply.header('content-length', variant.body.length).send(variant.body);
}

export function webRoutes(app: FastifyInstance): void {
  // A language chosen by link is remembered even when the page answers with a redirect
  // (signed in, /sign-in?lang=ar goes to the account page). See rememberChoice.
  app.addHook('onRequest', (request, reply, done) => {
    rememberChoice(request, reply);
    done();
  });
  const assets = loadAssets();
  // Names carry no content hash, so browsers keep files an hour, then check the ETag.
  app.get('/assets/*', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get((request.params as { '*': string })['*']);
    if (!asset) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send('There is no such file.');
    return sendAsset(request, reply, asset, 'public, max-age=3600');
  });
  // The service worker: checked on every visit so a fixed version reaches people at once.
  const serviceWorker = assets.get('sw.js');
  app.get('/sw.js', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    if (!serviceWorker) return reply.code(404).send();
    return sendAsset(request, reply.header('service-worker-allowed', '/'), serviceWorker, 'no-cache');
  });
}
