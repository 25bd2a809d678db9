import type { LiveEvent, LiveEvents } from '@flowgento/messaging';

/** Buffers one workspace's live events into an async iterable until `signal` aborts. */
export async function* liveEventStream(
  events: LiveEvents,
  workspaceId: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<LiveEvent> {
  const buffer: LiveEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = events.subscribe(workspaceId, (event) => {
    buffer.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    while (!signal?.aborted) {
      const next = buffer.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}
