/**
 * Event pollers, as provisioned mode defines them: ProvisionedPollerConfig bounds the number of
 * pollers, and offline each poller is one kafkajs consumer of the mapping's group. AWS publishes no
 * scaling formula; the offline rule (README "Pollers"), evaluated on every lag reading:
 *
 *   wanted = ceil(offset lag / (BatchSize × 5)), kept within [MinimumPollers, MaximumPollers] and at
 *   most the partition count; more pollers start at once, and one is removed once fewer have been
 *   wanted for SCALE_DOWN_READINGS readings in a row.
 *
 * Every change is a rebalance of the group, which stops every poller for a few seconds: removing a
 * poller on the first reading that wanted fewer made a mapping whose lag hovers around a threshold
 * flap (the pipeline's sink: four to eight rebalances in a 100k-user benchmark run).
 *
 * 5 is AWS's "up to 5 concurrent invocations" per Kafka poller: a poller is added for every five full
 * batches waiting. A member beyond the partition count would be assigned nothing, hence that cap.
 */
import { isObject, optionalInteger, rejectUnknownKeys, requiredString } from './config-values';
import { EventDefinitionError } from './errors';

export interface PollerBounds {
  minimum: number;
  maximum: number;
  /** ProvisionedPollerConfig is set; otherwise one poller (on-demand scaling is not emulated). */
  provisioned: boolean;
}

/** Batches one poller keeps in flight (AWS: up to 5 concurrent invocations per Kafka poller). */
export const BATCHES_PER_POLLER = 5;

const ON_DEMAND: PollerBounds = { minimum: 1, maximum: 1, provisioned: false };

/** ProvisionedPollerConfig: MinimumPollers 1–200 (default 1), MaximumPollers 1–2000 (default 200). */
export function readPollers(raw: unknown, pathOf: (inner: string) => string): PollerBounds {
  if (raw === undefined) return ON_DEMAND;
  if (!isObject(raw)) throw new EventDefinitionError(pathOf(''), 'must be { MinimumPollers, MaximumPollers }');
  rejectUnknownKeys(raw, new Set(['MinimumPollers', 'MaximumPollers', 'PollerGroupName']), pathOf(''), 'property');
  const minimum = optionalInteger(raw.MinimumPollers, pathOf('.MinimumPollers'), 1, 200) ?? 1;
  const maximum = optionalInteger(raw.MaximumPollers, pathOf('.MaximumPollers'), 1, 2000) ?? 200;
  if (minimum > maximum) throw new EventDefinitionError(pathOf('.MinimumPollers'), `${minimum} is above MaximumPollers ${maximum}`);
  // Shares poller capacity between mappings on AWS; accepted, with nothing to share offline.
  if (raw.PollerGroupName !== undefined) requiredString(raw.PollerGroupName, pathOf('.PollerGroupName'));
  return { minimum, maximum, provisioned: true };
}

export interface ScalingInput {
  current: number;
  /** Sum over the topic's partitions of (latest offset − committed offset). */
  lag: number;
  batchSize: number;
  partitions: number;
  bounds: PollerBounds;
}

/** Readings in a row that must want fewer pollers before one is removed: a minute at the default 5 s interval, the interval at which AWS evaluates a Kafka mapping's lag. */
export const SCALE_DOWN_READINGS = 12;

/** The pollers each reading calls for, before the scale-down hysteresis (PollerScaling). */
export function nextPollerCount({ current, lag, batchSize, partitions, bounds }: ScalingInput): number {
  const ceiling = Math.max(1, Math.min(bounds.maximum, partitions));
  const floor = Math.min(bounds.minimum, ceiling);
  const wanted = Math.min(ceiling, Math.max(floor, Math.ceil(lag / (batchSize * BATCHES_PER_POLLER))));
  if (wanted > current) return wanted;
  if (wanted < current) return Math.max(floor, current - 1);
  return current;
}

/** One mapping's scaling across readings: up at once, down one poller after SCALE_DOWN_READINGS readings that all wanted fewer. */
export class PollerScaling {
  private fewerWanted = 0;

  next(input: ScalingInput): number {
    const target = nextPollerCount(input);
    if (target >= input.current) {
      this.fewerWanted = 0;
      return target;
    }
    this.fewerWanted += 1;
    if (this.fewerWanted < SCALE_DOWN_READINGS) return input.current;
    this.fewerWanted = 0;
    return target;
  }
}
