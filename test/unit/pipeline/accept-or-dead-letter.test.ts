/**
 * acceptOrDeadLetter, the loop every stage runs its records through: a synchronous accept runs the
 * whole batch without giving other invocations a turn between records (they would keep the batch
 * alive longer), an asynchronous one is awaited, and a record fault becomes a dead letter either way.
 */
import { RecordFault } from '../../../layers/domain/faults';
import type { DeliveredRecord } from '../../../layers/domain/kafka-records';
import { acceptOrDeadLetter, type DeadLetterSource } from '../../../layers/pipeline/dead-letter';

const invocation = { requestId: 'r-1', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:t', executedVersion: '$LATEST' };

function source(offset: number): DeadLetterSource & { offset: number } {
  const delivered: DeliveredRecord = { topic: 't', partition: 0, offset, timestamp: 0, timestampType: 'CREATE_TIME', value: 'e30=', headers: [] };
  return { offset, delivered, eventSource: { eventSource: 'SelfManagedKafka' } };
}

const sources = Array.from({ length: 1000 }, (_, i) => source(i));

/** Promise turns other work gets while `work` runs. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let counting = true;
  const counter = (async () => {
    while (counting) {
      await null;
      turns++;
    }
  })();
  await work();
  counting = false;
  await counter;
  return turns;
}

describe('acceptOrDeadLetter', () => {
  it('runs a synchronous accept over the whole batch without a promise turn per record', async () => {
    let result: Awaited<ReturnType<typeof acceptOrDeadLetter<ReturnType<typeof source>, number>>> | undefined;
    const turns = await turnsDuring(async () => {
      result = await acceptOrDeadLetter(sources, invocation, ({ offset }) => {
        if (offset === 7) throw new RecordFault('seven');
        return offset * 2;
      });
    });
    expect(turns).toBeLessThan(10);
    expect(result?.accepted).toHaveLength(999);
    expect(result?.accepted.at(-1)).toBe(1998);
    expect(result?.dead).toHaveLength(1);
    expect(result?.firstReason).toBe('RecordFault: seven');
  });

  it('awaits an asynchronous accept, record by record, and dead-letters its record faults', async () => {
    const order: number[] = [];
    const result = await acceptOrDeadLetter(sources.slice(0, 5), invocation, async ({ offset }) => {
      await new Promise((resolve) => setTimeout(resolve, 5 - offset));
      order.push(offset);
      if (offset === 3) throw new RecordFault('three');
      return `user-${offset}`;
    });
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(result.accepted).toEqual(['user-0', 'user-1', 'user-2', 'user-4']);
    expect(result.dead).toHaveLength(1);
  });

  it('throws what is not a record fault: the batch is retried', async () => {
    await expect(
      acceptOrDeadLetter(sources.slice(0, 3), invocation, () => {
        throw new Error('cassandra down');
      }),
    ).rejects.toThrow('cassandra down');
  });
});
