// Preloaded by with-node24.sh into every Node process it starts (and their children): when
// better-sqlite3 asks for its native part, Node 24 gets the build made for its ABI, so the
// project's own build, made for the system Node, stays in place for it. Does nothing on a Node
// without module.registerHooks (Node 20), which loads the project's own build as usual.
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';

const binding = process.env.TOWNHALL_NODE24_SQLITE_BINDING;
const registerHooks = nodeModule.registerHooks;
if (binding && registerHooks && process.versions.node.startsWith('24.')) {
  const target = pathToFileURL(binding).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      return resolved.url.endsWith('/better-sqlite3/build/Release/better_sqlite3.node') ? { ...resolved, url: target } : resolved;
    },
  });
}
