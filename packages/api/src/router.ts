import { router } from './trpc.ts';
import { accessLogRouter } from './routers/access-log.ts';
import { auditRouter } from './routers/audit.ts';
import { breachesRouter } from './routers/breaches.ts';
import { authRouter } from './routers/auth.ts';
import { backupRouter } from './routers/backup.ts';
import { consentRouter } from './routers/consent.ts';
import { consentRegisterRouter } from './routers/consent-register.ts';
import { privacyRouter } from './routers/privacy.ts';
import { contactsRouter } from './routers/contacts.ts';
import { deskRouter } from './routers/desk.ts';
import { retentionRouter } from './routers/retention.ts';
import { inboxRouter } from './routers/inbox.ts';
import { membersRouter } from './routers/members.ts';
import { requestsRouter } from './routers/requests.ts';
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
  consentRegister: consentRegisterRouter,
  privacy: privacyRouter,
  contacts: contactsRouter,
  desk: deskRouter,
  retention: retentionRouter,
  members: membersRouter,
  sessions: sessionsRouter,
  twoFactor: twoFactorRouter,
  whatsapp: whatsappRouter,
  audit: auditRouter,
  simulator: simulatorRouter,
  support: supportRouter,
  storage: storageRouter,
  backup: backupRouter,
  accessLog: accessLogRouter,
  breaches: breachesRouter,
  requests: requestsRouter,
});

export type AppRouter = typeof appRouter;
