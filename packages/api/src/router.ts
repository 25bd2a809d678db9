import { router } from './trpc.ts';
import { auditRouter } from './routers/audit.ts';
import { authRouter } from './routers/auth.ts';
import { backupRouter } from './routers/backup.ts';
import { consentRouter } from './routers/consent.ts';
import { contactsRouter } from './routers/contacts.ts';
import { deskRouter } from './routers/desk.ts';
import { inboxRouter } from './routers/inbox.ts';
import { membersRouter } from './routers/members.ts';
import { sessionsRouter } from './routers/sessions.ts';
import { simulatorRouter } from './routers/simulator.ts';
import { storageRouter } from './routers/storage.ts';
import { supportRouter } from './routers/support.ts';
import { systemRouter } from './routers/system.ts';
import { templatesRouter } from './routers/templates.ts';
import { twoFactorRouter } from './routers/two-factor.ts';
import { whatsappRouter } from './routers/whatsapp.ts';

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  inbox: inboxRouter,
  templates: templatesRouter,
  consent: consentRouter,
  contacts: contactsRouter,
  desk: deskRouter,
  members: membersRouter,
  sessions: sessionsRouter,
  twoFactor: twoFactorRouter,
  whatsapp: whatsappRouter,
  audit: auditRouter,
  simulator: simulatorRouter,
  support: supportRouter,
  storage: storageRouter,
  backup: backupRouter,
});

export type AppRouter = typeof appRouter;
