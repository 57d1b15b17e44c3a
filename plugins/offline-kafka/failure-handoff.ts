/**
 * Records the mapping gives up on (out of retries, too old, not decodable) handed to the on-failure
 * destination, or dropped with a log line where none is set (as AWS does). A destination that does
 * not take them is retried with the reconnect backoff; the records stay uncommitted meanwhile.
 */
import { countRecords } from './batch-log';
import type { FailureCondition } from './destinations';
import { describeError } from './errors';
import type { PollerContext } from './event-poller';
import { backoffMs } from './partition-poller';
import type { Sleeps } from './sleeps';
import type { KafkaMessage } from 'kafkajs';

export class FailureHandoff {
  constructor(
    private readonly context: PollerContext,
    private readonly sleeps: Sleeps,
    private readonly stopping: () => boolean,
  ) {}

  /** Hands given-up records to the destination; false when stopping before it took them. */
  async discard(
    partition: number,
    messages: readonly KafkaMessage[],
    failure: { error: string; attempts: number; condition?: FailureCondition },
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const { mapping, deps, destination, metrics, label } = this.context;
    const offsets = `${messages[0]?.offset}-${messages.at(-1)?.offset}`;
    const why = failure.condition && failure.condition !== 'RetriesExhausted' ? ` (${failure.condition}: ${failure.error})` : '';
    if (!destination) {
      const where = mapping.onFailure ? `${mapping.onFailure.uri} is not emulated offline` : 'no on-failure destination';
      deps.log.warning(`offline-kafka: ${label}-${partition}: dropped offsets ${offsets} (${countRecords(messages.length)})${why}: ${where}`);
      metrics.add('DroppedEventCount', messages.length);
      return true;
    }
    if (why) deps.log.warning(`offline-kafka: ${label}-${partition}: offsets ${offsets}${why} → ${destination.topic}`);
    const discarded = { functionKey: mapping.functionKey, topic: mapping.topic, partition, messages, ...failure };
    for (let failures = 1; !this.stopping(); failures++) {
      try {
        await destination.send(discarded);
        metrics.add('OnFailureDestinationDeliveredEventCount', messages.length);
        return true;
      } catch (sendError) {
        metrics.add('OnFailureDestinationDeliveryErrorCount');
        const delay = backoffMs(mapping.reconnectBackoff, failures);
        deps.log.error(`offline-kafka: ${label}-${partition}: ${describeError(sendError)}; offsets ${offsets} stay uncommitted, retrying in ${delay} ms`);
        await this.sleeps.sleep(delay);
        await heartbeat().catch(() => undefined);
      }
    }
    return false;
  }
}
