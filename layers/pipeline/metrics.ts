/**
 * Per-stage metrics in CloudWatch's Embedded Metric Format, through Powertools Metrics: every
 * invocation prints one EMF line with RecordsIn, RecordsOut, DeadLettered and BatchDuration (or
 * Failures when it threw), dimensioned by `service` and `stage`. On AWS CloudWatch reads that line
 * as metrics with no code change; offline it lands in the functions' log, where the status page
 * (scripts/status) reads the same figures. Powertools keeps the metrics per invocation, so
 * concurrent invocations in one module instance do not mix them.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type FunctionKey, topology } from '../config';
import type { FetchReport } from './fetch-users';
import type { PersistReport } from './persist-users';
import type { PublishReport } from './publish-outbox';
import type { SinkReport } from './sink-records';
import type { TransformReport } from './transform-records';

export const metrics = new Metrics({ namespace: topology.service, serviceName: topology.service });

/** What one invocation of a stage took in, passed on and dead-lettered. */
export interface StageFigures {
  recordsIn: number;
  recordsOut: number;
  deadLettered: number;
}

interface Reports {
  fetch: FetchReport;
  persist: PersistReport;
  publish: PublishReport;
  transform: TransformReport;
  sink: SinkReport;
}

/**
 * Each stage's report read as in/out/dead-lettered. fetch's rejections (kept in rejected_users)
 * are its dead letters; persist passes on only new or changed users (outbox rows queued).
 */
const figuresOf: { [K in FunctionKey]: (report: Reports[K]) => StageFigures } = {
  fetch: (r) => ({ recordsIn: r.fetched, recordsOut: r.valid, deadLettered: r.rejected }),
  persist: (r) => ({ recordsIn: r.persisted, recordsOut: r.queued, deadLettered: 0 }),
  publish: (r) => ({ recordsIn: r.published + r.deadLettered, recordsOut: r.published, deadLettered: r.deadLettered }),
  transform: (r) => ({ recordsIn: r.received, recordsOut: r.transformed, deadLettered: r.deadLettered }),
  sink: (r) => ({ recordsIn: r.received, recordsOut: r.written, deadLettered: r.deadLettered }),
};

export function stageFigures<K extends FunctionKey>(stage: K, report: Reports[K]): StageFigures {
  return figuresOf[stage](report);
}

/** The stage a deployed function name (`<service>-<stage>-<function>`) belongs to. */
export function stageOf(functionName: string): FunctionKey | undefined {
  return topology.functions.find((key) => functionName.endsWith(`-${key}`));
}

function publish(stage: FunctionKey, startedAt: number, report: unknown): void {
  metrics.addDimension('stage', stage);
  metrics.addMetric('BatchDuration', MetricUnit.Milliseconds, performance.now() - startedAt);
  if (report === undefined) {
    metrics.addMetric('Failures', MetricUnit.Count, 1);
  } else {
    const figures = stageFigures(stage, report as Reports[typeof stage]);
    metrics.addMetric('RecordsIn', MetricUnit.Count, figures.recordsIn);
    metrics.addMetric('RecordsOut', MetricUnit.Count, figures.recordsOut);
    metrics.addMetric('DeadLettered', MetricUnit.Count, figures.deadLettered);
  }
  metrics.publishStoredMetrics();
}

/** The middleware that times each invocation and prints its stage's figures from the report it returns. */
export function stageMetrics(): middy.MiddlewareObj<unknown, unknown, Error, Context> {
  const startedAt = new WeakMap<object, number>();
  const flush = (request: middy.Request<unknown, unknown, Error, Context>, report: unknown): void => {
    const stage = stageOf(request.context.functionName ?? '');
    const started = startedAt.get(request);
    if (stage !== undefined && started !== undefined) publish(stage, started, report);
  };
  return {
    before: (request) => void startedAt.set(request, performance.now()),
    after: (request) => flush(request, request.response),
    onError: (request) => flush(request, undefined),
  };
}
