import { describe, expect, it } from 'vitest';
import {
  recordAsMarkdown,
  recordOfProcessing,
  type ProcessingInputs,
} from '../src/record-of-processing.ts';

const INPUTS: ProcessingInputs = {
  workspaceName: 'Acme',
  messagingHost: 'graph.example.test',
  settings: {
    droppedMedia: [],
    maskCardNumbers: false,
    maskIdentityNumbers: false,
    dropProfileNames: false,
    privacyContact: null,
    grievanceOfficer: null,
  },
  purposes: [],
  providers: [
    {
      name: 'local',
      kind: 'local',
      role: "this appliance's own disk",
      region: null,
      endpointHost: null,
    },
  ],
  retentionRules: [
    { category: 'Access log of personal data', keepDays: 200, id: 'security_log' },
  ],
  auditRetentionMonths: 24,
  backup: { changesDays: 3, dailyDays: 14, monthlyMonths: 6 },
  databaseCipher: 'sqlcipher-4',
  generatedAt: 0,
};

describe('the record of processing', () => {
  it('names SQLCipher 4 for a database made before AEGIS-256, as the file really is', () => {
    const record = recordOfProcessing(INPUTS);
    expect(record.safeguards[0]).toMatch(/SQLCipher 4/);
    expect(record.safeguards[0]).not.toMatch(/AEGIS-256 \(/);
  });

  it('lists the security logs once, in the Retention page words, each part with its real period', () => {
    const record = recordOfProcessing(INPUTS);
    const security = record.retention.filter((r) => /access log/i.test(r.category));
    expect(security).toEqual([
      {
        category: 'Security logs (sign-ins, refusals, access log)',
        period:
          'access log 200 days; sign-ins and refusals 24 months, as part of the audit log',
      },
    ]);
    expect(record.retention).toContainEqual({
      category: 'Backups',
      period: 'changes 3 days, daily snapshots 14 days, monthly snapshots 6 months',
    });
    expect(record.recipients[1]).toMatchObject({
      name: 'local',
      region: 'on premises',
      host: 'local disk',
    });
  });

  it('lists every category of personal data, with "no limit set" where no rule is', () => {
    const retention = recordOfProcessing(INPUTS).retention;
    const period = (category: RegExp) =>
      retention.filter((r) => category.test(r.category)).map((r) => r.period);
    expect(period(/^Conversations/)).toEqual(['no limit set']);
    expect(period(/^Files/)).toEqual(['no limit set']);
    expect(period(/^Contacts/)).toEqual(['no limit set']);
    expect(period(/notes/)).toEqual(['no limit set; deleted with their contact']);
    expect(period(/^Consent register/)).toEqual([
      'no limit set; deleted with their contact',
    ]);

    const ruled = recordOfProcessing({
      ...INPUTS,
      retentionRules: [
        {
          category: 'Conversations and their messages',
          keepDays: 90,
          note: 'after the last message',
          id: 'conversations',
        },
      ],
    }).retention;
    expect(ruled.filter((r) => /^Conversations/.test(r.category))).toEqual([
      {
        category: 'Conversations and their messages',
        period: '90 days (after the last message)',
      },
    ]);
    expect(ruled.find((r) => /^Files/.test(r.category))?.period).toBe('no limit set');
  });

  it('names whose data it is and where it goes, by provider name, region and host', () => {
    const record = recordOfProcessing({
      ...INPUTS,
      providers: [
        ...INPUTS.providers,
        {
          name: 'Offsite bucket',
          kind: 's3',
          role: 'object storage holding encrypted files or backups',
          region: 'eu-central-1',
          endpointHost: 's3.eu-central-1.example.test',
        },
      ],
    });
    const markdown = recordAsMarkdown(record);
    expect(markdown).toContain('## Data subjects');
    expect(record.dataSubjects.join('\n')).toMatch(/Customers who write/);
    expect(record.dataSubjects.join('\n')).toMatch(/Members of the workspace/);
    expect(markdown).toContain('## Transfers');
    expect(record.transfers[0]).toMatch(
      /^Meta Platforms.*processor.*graph\.example\.test/,
    );
    expect(record.transfers).toContainEqual(
      expect.stringMatching(
        /^Offsite bucket, processor.*region eu-central-1, endpoint s3\.eu-central-1\.example\.test$/,
      ),
    );
    expect(record.transfers).toContainEqual(
      expect.stringMatching(/^local: .*on premises/),
    );
  });

  it('says messages stored before masking was turned on stay as they were, and since when', () => {
    const masking = {
      ...INPUTS,
      settings: { ...INPUTS.settings, maskCardNumbers: true },
    };
    const kept = (inputs: ProcessingInputs) =>
      recordOfProcessing(inputs).dataCategories.find((c) => c.category === 'Message text')
        ?.kept;
    expect(kept(INPUTS)).toBe('yes');
    expect(kept(masking)).toBe(
      'yes, with card numbers masked; messages stored before masking was turned on stay as they were',
    );
    expect(
      kept({ ...masking, maskedSince: { maskCardNumbers: Date.UTC(2026, 10, 3, 9) } }),
    ).toBe(
      'yes, with card numbers since 2026-11-03 masked; messages stored before masking was turned on stay as they were',
    );
  });
});
