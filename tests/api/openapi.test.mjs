// The published API description and the server's route table must list the same operations.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, runAtrium } from './lib/server.mjs';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/** "METHOD /path" for each operation under `paths:` (paths at 2 spaces, methods at 4). */
export function openapiOperations(yaml) {
  const ops = new Set();
  let inPaths = false;
  let current = null;
  for (const raw of yaml.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '');
    if (/^\S/.test(line)) {
      if (line.startsWith('#')) continue;
      inPaths = /^paths:\s*$/.test(line);
      current = null;
      continue;
    }
    if (!inPaths || line.trim() === '') continue;
    let m = /^ {2}(['"]?)(\/[^'"]*)\1:\s*$/.exec(line);
    if (m) { current = m[2]; continue; }
    if (/^ {2}\S/.test(line)) { current = null; continue; }
    m = /^ {4}([a-z]+):/.exec(line);
    if (m && current && METHODS.has(m[1])) ops.add(`${m[1].toUpperCase()} ${current}`);
  }
  return ops;
}

async function routeOperations() {
  const out = await runAtrium(['routes']);
  assert.equal(out.code, 0, `atrium routes exit; stderr: ${out.stderr}`);
  const lines = out.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const l of lines) assert.match(l, /^[A-Z]+ \/\S*$/, `route line "METHOD /path": ${l}`);
  const set = new Set(lines);
  assert.equal(set.size, lines.length, 'no route printed twice');
  return set;
}

test('atrium routes lists every route of the contract', async () => {
  const routes = await routeOperations();
  const contract = [
    'GET /api/v1/health',
    'GET /api/v1/privacy/policy',
    'POST /api/v1/auth/sms-codes',
    'POST /api/v1/auth/register',
    'POST /api/v1/auth/login',
    'POST /api/v1/auth/logout',
    'GET /api/v1/me',
    'PATCH /api/v1/me',
    'POST /api/v1/me/email/verify',
    'GET /api/v1/me/sessions',
    'DELETE /api/v1/me/sessions/{id}',
    'GET /api/v1/me/notifications',
  ];
  const absent = contract.filter((r) => !routes.has(r));
  assert.deepEqual(absent, [], `routes missing from \`atrium routes\`: ${absent.join(', ')}`);
});

test('docs/openapi.yaml describes exactly the routes the server has', async () => {
  const file = path.join(ROOT, 'docs', 'openapi.yaml');
  assert.ok(fs.existsSync(file), 'docs/openapi.yaml exists');
  const documented = openapiOperations(fs.readFileSync(file, 'utf8'));
  assert.ok(documented.size > 0, 'openapi.yaml has operations under paths:');
  const served = await routeOperations();
  const undocumented = [...served].filter((r) => !documented.has(r)).sort();
  const phantom = [...documented].filter((r) => !served.has(r)).sort();
  assert.deepEqual(
    { undocumented, phantom },
    { undocumented: [], phantom: [] },
    `served but not in openapi.yaml: [${undocumented.join(', ')}]; in openapi.yaml but not served: [${phantom.join(', ')}]`,
  );
});

test('the openapi paths parser reads paths and methods only', () => {
  const yaml = [
    'openapi: 3.1.0',
    'info:',
    '  title: x',
    'paths:',
    '  /api/v1/a:',
    '    summary: not a method',
    '    get:',
    '      responses: {}',
    '    parameters: []',
    "  '/api/v1/b/{id}':",
    '    delete:',
    '      responses: {}',
    '    post: # comment',
    '      responses: {}',
    'components:',
    '  schemas:',
    '    get:',
    '      type: object',
  ].join('\n');
  assert.deepEqual([...openapiOperations(yaml)].sort(), ['DELETE /api/v1/b/{id}', 'GET /api/v1/a', 'POST /api/v1/b/{id}']);
});

test('the document lists exactly the error codes of the server\'s error table', () => {
  const table = fs.readFileSync(path.join(ROOT, 'src/core/err_table.h'), 'utf8');
  const codes = new Set([...table.matchAll(/^E\(\w+,\s*\d+,\s*"(\w+)"/gm)].map((m) => m[1]));
  codes.delete('ok'); // success is no error a client receives
  assert.ok(codes.size >= 30, `codes read from the table: ${codes.size}`);
  const yaml = fs.readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8');
  const at = yaml.indexOf('\n    ErrorCode:');
  assert.ok(at > 0, 'components.schemas.ErrorCode exists');
  const rest = yaml.slice(yaml.indexOf('enum:', at)).split('\n').slice(1);
  const documented = new Set();
  for (const line of rest) {
    const m = /^\s+- (\w+)\s*$/.exec(line);
    if (!m) break;
    documented.add(m[1]);
  }
  const missing = [...codes].filter((c) => !documented.has(c));
  const stale = [...documented].filter((c) => !codes.has(c));
  assert.deepEqual({ missing, stale }, { missing: [], stale: [] });
});
