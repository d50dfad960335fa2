/**
 * Townhall's layering, checked by dependency-cruiser (`npm run layers`). docs/architecture.md
 * ("Layers") explains it in words; this file is the rule itself.
 *
 * A file may import from its own layer and the layers below, never from a layer above, and no
 * files under src/ may import each other in a circle. Type-only imports count: a type from a
 * higher layer ties the lower one to it just the same. Tests (`*.test.ts`, `*.test-support.ts`)
 * may reach any layer, since they set up whole cases; they are still checked for cycles. Every
 * file belongs to a layer, and none is an orphan (imported by nothing, importing nothing).
 */

// A module's pages (routes, views) are features whatever folder they sit in: they present the
// module's functions and may use any building block to do so.
const pages = '^src/[^/]+/(routes\\.tsx?|[^/]+-routes\\.tsx?|views\\.tsx|[^/]+-views\\.tsx|pages\\.tsx|views/)';
const tests = '\\.test\\.tsx?$|\\.test-support\\.tsx?$';

// Bottom first. A file belongs to the layer whose `paths` it matches and whose `except` it does
// not; every file under src/ belongs to exactly one.
const layers = [
  {
    name: 'base',
    // The configuration, with the settings readers it gathers from modules (each imports
    // nothing above this layer), the database and the mechanisms without business rules.
    paths: ['^src/db/', '^src/platform/', '^src/config\\.ts$', '^src/demo/city\\.ts$', '^src/identity/oidc-config\\.ts$', '^src/notifications/(settings|mail-config)\\.ts$'],
    except: [pages],
  },
  { name: 'shared', paths: ['^src/(audit|i18n)/'], except: [pages] },
  {
    name: 'building-blocks',
    paths: [
      '^src/(apikeys|catalogue|identity|live|media|notifications|places|routing|sla|training|workflow)/',
      // The page kit every page is drawn with.
      '^src/web/(page|forms|error-page|csrf|branding)\\.tsx?$',
    ],
    except: [pages, '^src/training/seed\\.ts$', '^src/identity/oidc-config\\.ts$', '^src/notifications/(settings|mail-config)\\.ts$'],
  },
  // The case: its tables and its lifecycle.
  { name: 'cases', paths: ['^src/cases/'], except: [pages] },
  {
    name: 'features',
    paths: [pages, '^src/(alerts|api|applications|demo|feedback|forwarding|govstack|imports|incidents|insights|jobs|licences|offline|open311|opendata|performance|privacy|reporting|settings|staff|tracking|web|webhooks)/', '^src/training/seed\\.ts$'],
    except: ['^src/demo/city\\.ts$', '^src/web/(page|forms|error-page|csrf|branding)\\.tsx?$'],
  },
  { name: 'entry-points', paths: ['^src/(app|cli|main)\\.ts$', '^src/cli/'] },
];

const either = (patterns) => patterns.join('|');


// One rule for each pair of a layer and a layer above it.
const upward = layers.flatMap((lower, index) =>
  layers.slice(index + 1).map((higher) => ({
    name: `${lower.name}-not-to-${higher.name}`,
    comment: `${lower.name} may not import from ${higher.name}, a higher layer (see "Layers" in docs/architecture.md)`,
    severity: 'error',
    from: { path: either(lower.paths), pathNot: either([...(lower.except ?? []), tests]) },
    to: { path: either(higher.paths), ...(higher.except ? { pathNot: either(higher.except) } : {}) },
  })),
);

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'files under src/ may not import each other in a circle',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...upward,
    {
      name: 'in-a-layer',
      comment: 'every file under src/ belongs to a layer: place a new folder in .dependency-cruiser.cjs and in docs/architecture.md',
      severity: 'error',
      from: { path: '^src/', pathNot: either([...layers.flatMap((layer) => layer.paths), tests]) },
      to: {},
    },
    {
      name: 'no-orphans',
      comment: 'a file nothing imports and that imports nothing is dead code (or needs its caller)',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: tests },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing is a typo or a missing package',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  allowed: undefined,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/web/assets/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
