import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_KEY_SOURCES, validateShareOptions } from '../../main/core/share-options.ts';

test('share options from an untrusted caller: accepted shapes', () => {
  assert.deepEqual(validateShareOptions(undefined), {});
  assert.deepEqual(validateShareOptions({}), {});
  assert.deepEqual(
    validateShareOptions({ allowed: ['github:alice', 'file:/home/me/team.keys'], endAfterMs: 1_800_000 }),
    {
      allowed: [
        { kind: 'github', user: 'alice' },
        { kind: 'file', path: '/home/me/team.keys' },
      ],
      endAfterMs: 1_800_000,
    },
  );
  assert.deepEqual(validateShareOptions({ allowed: null, endAfterMs: null }), { allowed: null, endAfterMs: null });
  assert.deepEqual(validateShareOptions({ allowed: [] }), { allowed: null });
});

test('share options from an untrusted caller: refused, with the reason', () => {
  const table: Array<[unknown, RegExp]> = [
    [null, /expected an object/],
    [['github:alice'], /expected an object/],
    [{ allowed: 'github:alice' }, /list of key sources/],
    [{ allowed: ['github:../admin'] }, /github:\.\.\/admin/],
    [{ allowed: ['file:relative'] }, /absolute path/],
    [{ allowed: [42] }, /must be text/],
    [{ allowed: Array.from({ length: MAX_KEY_SOURCES + 1 }, (_, i) => `github:u${i}`) }, /at most 16/],
    [{ endAfterMs: 0 }, /from 1000/],
    [{ endAfterMs: 1.5e3 + 0.5 }, /whole number/],
    [{ endAfterMs: '30m' }, /whole number/],
    [{ endAfterMs: 8 * 24 * 3_600_000 }, /from 1000 to/],
    [{ readOnly: true }, /unknown option "readOnly"/],
  ];
  for (const [value, reason] of table) {
    const result = validateShareOptions(value);
    assert.equal(typeof result, 'string', JSON.stringify(value));
    assert.match(result as string, reason);
  }
});
