import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG_KEYS, ConfigError, loadConfig } from './config.ts';

test('development defaults need no configuration', () => {
  const config = loadConfig({});
  assert.equal(config.PORT, 3000);
  assert.equal(config.HOST, '127.0.0.1');
  assert.equal(config.embeddedDatabase, true);
  assert.equal(config.BASE_URL, 'http://localhost:3000');
});

test('a bad value names the key', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), (e: Error) => e instanceof ConfigError && /PORT/.test(e.message));
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
});

test('production refuses development secrets and plain http', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production', BASE_URL: 'https://gov.example' }), /SESSION_SECRET/);
  assert.throws(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), BASE_URL: 'https://gov.example' }), /IDENTITY_KEY/);
  const secrets = { SESSION_SECRET: 'x'.repeat(40), IDENTITY_KEY: 'y'.repeat(40) };
  assert.throws(() => loadConfig({ NODE_ENV: 'production', ...secrets }), /BASE_URL/);
  assert.throws(() => loadConfig({ NODE_ENV: 'production', ...secrets, BASE_URL: 'http://gov.example' }), /https/);
  const config = loadConfig({ NODE_ENV: 'production', ...secrets, BASE_URL: 'https://gov.example/' });
  assert.equal(config.SEED_SAMPLE_DATA, false);
  assert.equal(config.BASE_URL, 'https://gov.example');
});

test('every configuration key is documented in the README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const key of CONFIG_KEYS) assert.match(readme, new RegExp(`\\b${key}\\b`), `README.md does not document ${key}`);
});
