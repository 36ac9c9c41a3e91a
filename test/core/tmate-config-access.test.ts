import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerSettings } from '../../main/core/servers.ts';
import { tmateConfig } from '../../main/core/tmate-config.ts';

const SERVER: ServerSettings = {
  host: '127.0.0.1',
  port: 2222,
  rsaFingerprint: '',
  ed25519Fingerprint: '',
  ecdsaFingerprint: '',
};

test('tmate-authorized-keys only for a restricted share, its path quoted for tmux', () => {
  assert.doesNotMatch(tmateConfig(SERVER), /tmate-authorized-keys/);
  assert.doesNotMatch(tmateConfig(SERVER, {}), /tmate-authorized-keys/);
  const lines = tmateConfig(SERVER, { authorizedKeys: '/run/user/1000/pairbar/0a1b2c3d/authorized_keys' }).split('\n');
  assert.ok(lines.includes('set -g tmate-authorized-keys "/run/user/1000/pairbar/0a1b2c3d/authorized_keys"'));
  // A runtime directory named with quotes or $ cannot break out of the string.
  const odd = tmateConfig(SERVER, { authorizedKeys: '/tmp/a "b" $HOME\\x/authorized_keys' }).split('\n');
  assert.ok(odd.includes('set -g tmate-authorized-keys "/tmp/a \\"b\\" \\$HOME\\\\x/authorized_keys"'), odd.join('\n'));
});
