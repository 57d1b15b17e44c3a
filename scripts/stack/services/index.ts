import type { Service, ServiceName } from '../service';
import { airflow } from './airflow';
import { cassandra } from './cassandra';
import { kafka } from './kafka';
import { postgres } from './postgres';
import { schemaRegistry } from './schema-registry';
import { spark } from './spark';
import { zookeeper } from './zookeeper';

/** Every native service, in an order where each comes after what it depends on. */
export const services: Service[] = [zookeeper, postgres, kafka, schemaRegistry, cassandra, spark, airflow];

/** What `stack:up` starts by default: everything but the optional services. */
export const coreServices: Service[] = services.filter((s) => !s.optional);

export function serviceNamed(name: string): Service {
  const service = services.find((s) => s.name === name);
  if (!service) throw new Error(`unknown service "${name}" (known: ${services.map((s) => s.name).join(', ')})`);
  return service;
}

export type { ServiceName };
