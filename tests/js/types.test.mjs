// The type declarations (js/index.d.ts) and the package manifest against the runtime
// module. TypeScript is not a dependency of this project, so nothing here type-checks.
// Instead the tests compare the names that the declarations and the runtime export,
// and check that the manifest points at files the published package contains.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

import * as runtime from 'jwtlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DECLARATIONS_PATH = join(ROOT, 'js', 'index.d.ts');
const declarations = readFileSync(DECLARATIONS_PATH, 'utf8');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** Names that every runtime entry of the package must export. */
const DOCUMENTED_EXPORTS = ['Auth', 'AuthError', 'ErrorCode', 'MemoryStore'];

/** Top-level declarations of index.d.ts as `{ kind, name }`, in file order. */
function topLevelDeclarations() {
  const pattern = /^export (?:declare )?(class|function|const|let|var|enum|interface|type) (\w+)/gm;
  return [...declarations.matchAll(pattern)].map(([, kind, name]) => ({ kind, name }));
}

/** Names of the declarations that exist at run time (not interfaces or types). */
function declaredValues() {
  return topLevelDeclarations()
    .filter(({ kind }) => kind !== 'interface' && kind !== 'type')
    .map(({ name }) => name);
}

/** Returns the text between `export class Name ... {` and its closing brace at column 0. */
function classBody(name) {
  const match = new RegExp(`^export (?:declare )?class ${name}\\b[^{]*\\{\\n([\\s\\S]*?)^\\}`, 'm').exec(declarations);
  assert.ok(match, `index.d.ts declares no class ${name}`);
  return match[1];
}

/** Member names declared in a class body, without the constructor. */
function declaredMembers(name) {
  const pattern = /^ {2}(?:readonly |static |get |set )*(\w+)\s*[(<:?]/gm;
  const names = [...classBody(name).matchAll(pattern)].map(([, member]) => member);
  return [...new Set(names)].filter((member) => member !== 'constructor').sort();
}

/** Own members of a runtime class prototype, without the constructor. */
function runtimeMembers(constructor) {
  return Object.getOwnPropertyNames(constructor.prototype)
    .filter((member) => member !== 'constructor')
    .sort();
}

describe('index.d.ts against the runtime', () => {
  test('runtime exports the documented names', () => {
    for (const name of DOCUMENTED_EXPORTS) {
      assert.ok(name in runtime, `the package does not export ${name}`);
    }
  });

  test('every runtime export is declared', () => {
    const declared = declaredValues();
    const undeclared = Object.keys(runtime).filter((name) => !declared.includes(name));

    assert.deepEqual(undeclared, [], `index.d.ts does not declare ${undeclared.join(', ')}`);
  });

  test('every declared value exists at runtime', () => {
    const missing = declaredValues().filter((name) => !(name in runtime));

    assert.deepEqual(missing, [], `index.d.ts declares ${missing.join(', ')}, which the package does not export`);
  });

  test('declared kinds match runtime types', () => {
    for (const { kind, name } of topLevelDeclarations()) {
      if (kind === 'class') {
        assert.equal(typeof runtime[name], 'function', `${name} is declared as a class`);
        assert.ok(runtime[name].prototype, `${name} has no prototype`);
      } else if (kind === 'function') {
        assert.equal(typeof runtime[name], 'function', `${name} is declared as a function`);
      } else if (kind === 'const') {
        assert.notEqual(runtime[name], undefined, `${name} is declared as a constant`);
      }
    }
  });

  test('Auth members match', () => {
    assert.deepEqual(runtimeMembers(runtime.Auth), declaredMembers('Auth'));
  });

  test('MemoryStore members match', () => {
    assert.deepEqual(runtimeMembers(runtime.MemoryStore), declaredMembers('MemoryStore'));
  });

  test('AuthError members match', () => {
    const error = new runtime.AuthError('user_exists', 'taken');

    for (const member of declaredMembers('AuthError')) {
      assert.ok(member in error, `an AuthError has no ${member}`);
    }
    assert.deepEqual(declaredMembers('AuthError'), ['code', 'name']);
  });

  test('ErrorCode entries match', () => {
    const block = /^export const ErrorCode: Readonly<\{\n([\s\S]*?)^\}>;/m.exec(declarations);
    assert.ok(block, 'index.d.ts declares no ErrorCode constant');
    const declared = Object.fromEntries([...block[1].matchAll(/^\s+(\w+): '(\w+)';/gm)].map(([, name, code]) => [name, code]));

    assert.deepEqual(declared, { ...runtime.ErrorCode });
  });

  test('ErrorCodeValue lists every code', () => {
    const union = /^export type ErrorCodeValue =([\s\S]*?);/m.exec(declarations);
    assert.ok(union, 'index.d.ts declares no ErrorCodeValue type');
    const declared = [...union[1].matchAll(/'(\w+)'/g)].map(([, code]) => code).sort();

    assert.deepEqual(declared, Object.values(runtime.ErrorCode).sort());
  });
});

describe('package.json', () => {
  /** Converts a "files" entry such as `js/*.js` to a regular expression. */
  function filesPattern(entry) {
    const escaped = entry.replace(/^\.\//, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
    return new RegExp(`^${escaped}$`);
  }

  /** Returns true when the published package contains `path`, relative to the root. */
  function isPublished(path) {
    const normalised = normalize(path).replace(/^\.\//, '');
    return manifest.files.some((entry) => filesPattern(entry).test(normalised));
  }

  test('types point at index.d.ts', () => {
    const conditions = manifest.exports['.'];

    assert.equal(manifest.types, './js/index.d.ts');
    assert.equal(conditions.types, './js/index.d.ts');
    // TypeScript reads conditions in order, so `types` must come first.
    assert.equal(Object.keys(conditions)[0], 'types');
  });

  test('every export target is published', () => {
    for (const [condition, target] of Object.entries(manifest.exports['.'])) {
      assert.ok(existsSync(join(ROOT, target)), `${condition}: ${target} does not exist`);
      assert.ok(isPublished(target), `${condition}: ${target} is not in "files"`);
    }
  });

  test('entry imports are published', () => {
    const entries = new Set(Object.values(manifest.exports['.']).filter((target) => target.endsWith('.js')));
    const pending = [...entries];
    const seen = new Set();
    while (pending.length > 0) {
      const target = pending.pop();
      if (seen.has(target)) continue;
      seen.add(target);
      const source = readFileSync(join(ROOT, target), 'utf8');
      for (const [, specifier] of source.matchAll(/^(?:import|export)\b[^'"]*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
        const path = relative(ROOT, join(ROOT, dirname(target), specifier));
        assert.ok(isPublished(path), `${target} imports ${specifier}, which is not in "files"`);
        if (path.startsWith('js/') && path.endsWith('.js')) pending.push(`./${path}`);
      }
    }
    assert.ok(seen.has('./js/api.js'), 'the walk did not reach js/api.js');
  });
});
