import type { SimulatedGraphError } from './graph-reply.ts';

/** A failure the simulator answers a send with, on a test's request. */
export interface SendFault {
  /** Graph error code: 131047, 131050, 131026, 130429, 131056, 190, 368, … */
  code: number;
  /** How many sends fail this way; 1 when omitted. */
  times?: number;
  /** Only sends to this customer; any when omitted. */
  to?: string;
  /** The HTTP status; Graph's usual one for the code when omitted. */
  httpStatus?: number;
}

/** Meta's own titles, so the appliance sees what it would see from Graph. */
const TITLES: Record<number, string> = {
  4: 'Application request limit reached',
  190: 'Invalid OAuth access token',
  368: 'Temporarily blocked for policies violations',
  80007: 'Rate limit issues',
  130429: 'Rate limit hit',
  131026: 'Message undeliverable',
  131031: 'Account has been locked',
  131047: 'Re-engagement message',
  131048: 'Spam rate limit hit',
  131050:
    'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  131000: 'Something went wrong',
};

/** The queue of faults a test asked for, consumed in order by matching sends. */
export class SendFaults {
  readonly #faults: (SendFault & { left: number })[] = [];

  add(fault: SendFault): void {
    this.#faults.push({ ...fault, left: Math.max(1, fault.times ?? 1) });
  }

  /** The error to answer this send with, or null to accept it. */
  take(to: string): SimulatedGraphError | null {
    const index = this.#faults.findIndex((f) => f.to === undefined || f.to === to);
    const fault = this.#faults[index];
    if (fault === undefined) return null;
    fault.left -= 1;
    if (fault.left === 0) this.#faults.splice(index, 1);
    return {
      status: fault.httpStatus ?? defaultStatus(fault.code),
      code: fault.code,
      type: fault.code === 190 ? 'OAuthException' : 'GraphMethodException',
      message: `${TITLES[fault.code] ?? 'Simulated failure'} (simulated)`,
    };
  }

  clear(): void {
    this.#faults.length = 0;
  }
}

function defaultStatus(code: number): number {
  if (code === 190) return 401;
  if (code === 131000) return 500;
  if (code === 130429) return 429;
  return 400;
}
