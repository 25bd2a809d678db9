import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const base = { FLOWGENTO_DATA_DIR: '/nonexistent/fg-agent-url' };

describe('the agent URL the Pairing page shows', () => {
  it('takes an https:// URL from FLOWGENTO_AGENT_URL', () => {
    const config = loadConfig({
      env: { ...base, FLOWGENTO_AGENT_URL: 'https://192.168.1.20:8443' },
    });
    expect(config.agentUrl).toBe('https://192.168.1.20:8443');
    expect(loadConfig({ env: base }).agentUrl).toBeUndefined();
  });

  it('refuses a plain http:// or malformed one, naming the setting', () => {
    for (const value of ['http://192.168.1.20:8443', 'appliance.local']) {
      expect(() => loadConfig({ env: { ...base, FLOWGENTO_AGENT_URL: value } })).toThrow(
        /agentUrl: must be an https:\/\/ URL/,
      );
    }
  });
});
