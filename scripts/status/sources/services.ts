/**
 * The stack's services as `npm run stack:status` reports them (process, probe, memory, endpoint),
 * and the functions: serverless-offline's Lambda API answering or not.
 */
import { topology } from '../../../layers/config';
import { portAnswers } from '../../pipeline/offline';
import type { StackContext } from '../../stack/service';
import { status } from '../../stack/stack';

export interface ServiceReading {
  name: string;
  /** running, unhealthy (its process is up, it does not answer) or down. */
  state: string;
  endpoint: string;
  rssMb: number | undefined;
}

export async function readServices(ctx: StackContext): Promise<ServiceReading[]> {
  const [stack, functionsUp] = await Promise.all([status(ctx), portAnswers(topology.ports.offlineLambda)]);
  return [
    ...stack.map((s) => ({ name: s.name, state: s.state, endpoint: s.endpoint, rssMb: s.rssMb })),
    {
      name: 'functions',
      state: functionsUp ? 'running' : 'down',
      endpoint: `http://127.0.0.1:${topology.ports.offlineLambda} (sls offline)`,
      rssMb: undefined,
    },
  ];
}
