import { describe, expect, it } from 'vitest';
import {
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
});
