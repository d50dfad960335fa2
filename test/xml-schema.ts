/**
 * Real XML Schema validation for standards output (Open311 GeoReport v2 today), by libxml2.
 * The machine's `xmllint` (Debian's libxml2-utils, which CI installs) checks a document in a few
 * milliseconds; without it, the same libxml2 compiled to WebAssembly (xmllint-wasm) does, at
 * about a quarter of a second per document, since it starts a worker for each.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

export interface SchemaCheck {
  valid: boolean;
  errors: string[];
}

const nativeXmllint = (() => {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Validates `xml` against the XML Schema in the file at `schema` (a file URL). */
export async function checkAgainstSchema(xml: string, schema: URL): Promise<SchemaCheck> {
  if (!nativeXmllint) {
    const result = await validateXML({ xml: [{ fileName: 'document.xml', contents: xml }], schema: [{ fileName: 'schema.xsd', contents: readFileSync(schema, 'utf8') }] });
    return { valid: result.valid, errors: result.errors.map((e) => e.message) };
  }
  return new Promise((resolve, reject) => {
    const child = spawn('xmllint', ['--noout', '--nonet', '--schema', fileURLToPath(schema), '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      // xmllint: 0 valid, 3 or 4 invalid document or schema errors; anything else is not an answer.
      if (code === 0) resolve({ valid: true, errors: [] });
      else if (code === 3 || code === 4 || code === 1) resolve({ valid: false, errors: stderr.split('\n').filter((line) => line && !/ fails to validate$/.test(line)) });
      else reject(new Error(`xmllint stopped with code ${code}: ${stderr}`));
    });
    child.stdin.end(xml);
  });
}
