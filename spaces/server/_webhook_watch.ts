import type { Logger } from "../log.ts";
import { messageOf } from "../_objects.ts";
import type { WebexSpace } from "../webex/space.ts";

/**
 * Looks at the webhooks every `interval` ms: Webex turns a webhook
 * `inactive` after failed deliveries (a server that was down, a network
 * fault), and then sends nothing more. One found inactive or gone is
 * registered again, which re-activates it and catches up with one pull.
 */
export function watchWebhooks(
  space: WebexSpace,
  interval: number,
  logger: Logger,
): { stop(): Promise<void> } {
  const stopping = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  const next = () => {
    if (stopping.signal.aborted) return;
    const check = setTimeout(() => {
      running = space.reviveWebhooks({ signal: stopping.signal })
        .then(() => {})
        .catch((error) => {
          if (stopping.signal.aborted) return;
          logger.warn(`Could not check the webhooks: ${messageOf(error)}`);
        })
        .finally(next);
    }, interval);
    // The check keeps no process alive by itself.
    Deno.unrefTimer(check);
    timer = check;
  };
  next();
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
