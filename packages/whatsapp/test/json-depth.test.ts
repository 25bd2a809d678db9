import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../src/json-depth.ts';

const bytes = (text: string) => Buffer.from(text);

describe('nestsDeeperThan', () => {
  it('counts objects and arrays alike, up to and past the limit', () => {
    expect(nestsDeeperThan(bytes('{"a":[{"b":1}]}'), 3)).toBe(false);
    expect(nestsDeeperThan(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(bytes('{"text":"[[[[{{{{ \\" [[[["}'), 1)).toBe(false);
  });

  it('measures a body nested a million levels without overflowing the stack', () => {
    expect(nestsDeeperThan(bytes('['.repeat(1_000_000)), 64)).toBe(true);
  });
});
