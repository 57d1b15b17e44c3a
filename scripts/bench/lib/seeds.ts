/**
 * The seeds' approach, for comparison: one randomuser API call per user (results=1) and one
 * unbatched JSON message per user, each send awaited before the next call (kafkajs defaults,
 * acks=all; the current partitioner named, as kafkajs asks, so it does not warn). Measured on a
 * sample; the rate extrapolates.
 */
import { Partitioners, type Kafka } from 'kafkajs';
import { parseRandomUserResponse } from '../../../layers/domain/validate';
import { toCleanUser } from '../../../layers/domain/transform';

export interface SeedsRun {
  users: number;
  ms: number;
  apiMs: number;
  sendMs: number;
}

export async function seedsApproach(kafka: Kafka, apiUrl: string, topic: string, users: number): Promise<SeedsRun> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const once = async (): Promise<{ apiMs: number; sendMs: number }> => {
    const t0 = performance.now();
    const response = await fetch(`${apiUrl}?results=1`);
    const body: unknown = await response.json();
    const t1 = performance.now();
    const [user] = parseRandomUserResponse(body).users;
    if (!user) throw new Error('the randomuser server answered without a user');
    await producer.send({ topic, messages: [{ value: JSON.stringify(toCleanUser(user)) }] });
    return { apiMs: t1 - t0, sendMs: performance.now() - t1 };
  };
  try {
    for (let i = 0; i < 20; i++) await once(); // warm-up: connections, JIT
    let apiMs = 0;
    let sendMs = 0;
    const started = performance.now();
    for (let i = 0; i < users; i++) {
      const t = await once();
      apiMs += t.apiMs;
      sendMs += t.sendMs;
    }
    return { users, ms: performance.now() - started, apiMs, sendMs };
  } finally {
    await producer.disconnect();
  }
}
