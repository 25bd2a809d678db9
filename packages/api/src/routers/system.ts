import { allow, publicProcedure, router } from '../trpc.ts';

export const systemRouter = router({
  /** What the sign-in page shows before anyone is signed in. */
  info: publicProcedure.query(({ ctx }) => ({
    version: ctx.services.info.version,
    simulator: ctx.services.info.simulator,
    caFingerprint256: ctx.services.info.caFingerprint256,
    needsSetup: ctx.services.access.needsSetup(),
    // Public like security.txt itself, which already shows the contact.
    securityContactSet: ctx.services.info.securityContactSet,
  })),

  /**
   * What an admin gives an agent to open the appliance from their browser:
   * the LAN URLs and the CA fingerprint to check. Those who invite members
   * pair their browsers; the addresses are not shown before sign-in.
   */
  pairing: allow('members.invite').query(({ ctx }) => ({
    agentUrls: ctx.services.info.agentUrls,
    caFingerprint256: ctx.services.info.caFingerprint256,
  })),
});
