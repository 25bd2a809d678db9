import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAppliance } from '../src/server.ts';
import { setupOwner } from './flows.ts';
import {
  expectApiError,
  startTestAppliance,
  tableRowCounts,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';

/**
 * What a member reads when a form is refused at the schema: sentences that
 * name the field in words, never zod's wording or a JSON path; the path
 * itself travels beside the message for the form to mark the field.
 */
let t: TestAppliance;
let owner: ApiClient;
const app = (): RunningAppliance => t.running;
const PERSON = { name: 'Priya Rao', email: 'privacy@example.org', phone: null };
const ZOD_WORDING = /Invalid input|Invalid key|expected \w+, received|Too small|Too big/;

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
});
afterAll(() => t.cleanup());

/** The refusal of a call, checked to have changed nothing. */
async function refusal(call: () => Promise<unknown>) {
  const before = tableRowCounts(app());
  const error = await expectApiError(call());
  expect(error.code).toBe('BAD_REQUEST');
  expect(error.message).not.toMatch(ZOD_WORDING);
  expect(tableRowCounts(app())).toEqual(before);
  return error;
}

describe('a refused form input', () => {
  it('says a missing field is required, naming it in words', async () => {
    const { id } = await owner.mutate<{ id: string }>('requests.log', {
      kind: 'access',
      law: 'GDPR',
      requester: 'Ana Souza by email',
    });
    const error = await refusal(() =>
      owner.mutate('requests.verify', { requestId: id, method: 'Code by WhatsApp' }),
    );
    expect(error.message).toBe('Contact is required');
    expect(error.field).toBe('contactId');
  });

  it('names a nested field in words, not as a path', async () => {
    const error = await refusal(() =>
      owner.mutate('privacy.save', {
        droppedMedia: [],
        maskCardNumbers: false,
        maskIdentityNumbers: false,
        dropProfileNames: false,
        privacyContact: { ...PERSON, email: 'privacy at example' },
        grievanceOfficer: PERSON,
      }),
    );
    expect(error.message).toBe('Privacy contact email: Enter a valid email address');
    expect(error.field).toBe('privacyContact.email');
  });

  it('shows the message written for a field without a raw prefix', async () => {
    const error = await refusal(() =>
      owner.mutate('requests.log', { kind: 'access', law: 'GDPR', requester: ' ' }),
    );
    expect(error.message).toBe('Name the requester');
    expect(error.field).toBe('requester');
  });

  it("gives a template variable's own refusal and the variable it refused", async () => {
    const error = await refusal(() =>
      owner.mutate('templates.send', {
        conversationId: 'c1',
        templateId: 't1',
        parameters: { '1': 'Ana' },
      }),
    );
    expect(error.message).toBe('Unknown variable: 1');
    expect(error.field).toBe('parameters.1');
  });
});

describe('the authority a GDPR refusal names', () => {
  it('is taken by its acronym, as people know it', async () => {
    await owner.mutate('requests.setAuthority', {
      law: 'GDPR',
      name: 'CNIL',
      contact: 'https://www.cnil.fr',
    });
    const { authorities } = await owner.query<{ authorities: { GDPR: string | null } }>(
      'requests.list',
    );
    expect(authorities.GDPR).toBe('CNIL (https://www.cnil.fr)');
  });

  it('still refuses a name that is neither a full name nor an acronym', async () => {
    const error = await refusal(() =>
      owner.mutate('requests.setAuthority', {
        law: 'GDPR',
        name: 'abc',
        contact: 'https://www.cnil.fr',
      }),
    );
    expect(error.message).toBe(
      'Give the authority its full name or its acronym, e.g. CNIL',
    );
  });
});
