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

  it('lists the access log once, by its rule, beside the security log and the backup schedule', () => {
    const record = recordOfProcessing(INPUTS);
    const accessLog = record.retention.filter(
      (r) => r.category === 'Access log of personal data',
    );
    expect(accessLog).toEqual([
      { category: 'Access log of personal data', period: '200 days' },
    ]);
    expect(record.retention).toContainEqual({
      category: 'Backups',
      period: 'changes 3 days, daily snapshots 14 days, monthly snapshots 6 months',
    });
    expect(record.retention.map((r) => r.period)).toContain(
      '24 months, as part of the audit log',
    );
    expect(record.recipients[1]).toMatchObject({
      name: 'local',
      region: 'on premises',
      host: 'local disk',
    });
  });
});
