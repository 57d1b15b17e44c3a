/**
 * The Kafka event source mappings as plugins/offline-kafka reports them in its metrics file
 * (rewritten on every lag reading; README "Metrics"): state, pollers, AWS's EventCount and
 * ErrorCount totals since the functions started, and the mapping's own offset lag.
 */
import { readFileSync } from 'node:fs';

export interface MappingReading {
  functionKey: string;
  topic: string;
  consumerGroupId: string;
  state: string;
  pollers: number;
  events: Record<string, number>;
  errors: Record<string, number>;
  maxOffsetLag: number;
  sumOffsetLag: number;
}

export interface MappingsReading {
  /** running or stopped (sls offline has stopped since it last wrote the file). */
  state: string;
  updatedAt: string;
  mappings: MappingReading[];
}

interface MetricsFile {
  state?: string;
  updatedAt?: string;
  mappings?: {
    functionKey?: string;
    topic?: string;
    consumerGroupId?: string;
    state?: string;
    pollers?: { current?: number };
    EventCount?: Record<string, number>;
    ErrorCount?: Record<string, number>;
    KafkaMetrics?: { MaxOffsetLag?: number; SumOffsetLag?: number };
  }[];
}

export function readMappings(file: string): MappingsReading {
  let doc: MetricsFile;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as MetricsFile;
  } catch (err) {
    throw new Error(`no offline-kafka metrics at ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return {
    state: doc.state ?? '?',
    updatedAt: doc.updatedAt ?? '?',
    mappings: (doc.mappings ?? []).map((m) => ({
      functionKey: m.functionKey ?? '?',
      topic: m.topic ?? '?',
      consumerGroupId: m.consumerGroupId ?? '?',
      state: m.state ?? '?',
      pollers: m.pollers?.current ?? 0,
      events: m.EventCount ?? {},
      errors: m.ErrorCount ?? {},
      maxOffsetLag: m.KafkaMetrics?.MaxOffsetLag ?? 0,
      sumOffsetLag: m.KafkaMetrics?.SumOffsetLag ?? 0,
    })),
  };
}
