import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DamagedFileError,
  readNetworkSettings,
  recordedNetwork,
  writeNetworkSettings,
} from '../src/desktop-files.ts';
import { readKeyStorageRecord } from '../src/key-storage.ts';
import { networkStepReason } from '../src/network-choice.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const fileIn = (name: string, text: string): string => {
  dir ??= mkdtempSync(join(tmpdir(), 'fg-damaged-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('a desktop file edited by hand into something unreadable', () => {
  it('desktop.json: says which file, and brings the network step back to replace it', () => {
    const path = fileIn('desktop.json', '{"port": 8443,}');
    expect(() => readNetworkSettings(path)).toThrow(DamagedFileError);
    const { settings, damaged } = recordedNetwork(path);
    expect(settings).toBeNull();
    expect(damaged).toContain(path);
    expect(damaged).toMatch(/is damaged.*choose the address and port again/);
    // What main() shows: the damage, not a generic "choose where agents…".
    expect(damaged ?? networkStepReason(settings, [], null)).toMatch(
      /desktop\.json is damaged/,
    );

    expect(recordedNetwork(fileIn('desktop.json', '{"port": "8443"}')).damaged).toMatch(
      /is damaged/,
    );
    expect(recordedNetwork(fileIn('desktop.json', '[]')).damaged).toMatch(/is damaged/);
    // The step's answer replaces it; the next start reads it.
    writeNetworkSettings(path, { advertise: null, port: 9443 });
    expect(recordedNetwork(path)).toEqual({
      settings: { advertise: null, port: 9443 },
      damaged: null,
    });
    expect(recordedNetwork(join(dir!, 'absent.json'))).toEqual({
      settings: null,
      damaged: null,
    });
  });

  it('key-storage.json that is not JSON: the damaged message, not a SyntaxError', () => {
    for (const text of [
      '{"format": 1,',
      '',
      'null',
      '{"format": 1, "method": "keychain"}',
    ]) {
      const path = fileIn('key-storage.json', text);
      let thrown: unknown;
      try {
        readKeyStorageRecord(path);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DamagedFileError);
      expect((thrown as DamagedFileError).file).toBe(path);
      expect((thrown as Error).message).toMatch(
        /key-storage\.json is damaged.*recovery kit/,
      );
    }
  });
});
