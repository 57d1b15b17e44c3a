/**
 * The serverless plugin: hooks only. `sls offline start` runs init → ready → end; the consumers
 * start at init and stop at end (serverless-offline exits right after its own end hook, so this
 * plugin is listed before it). Bare `sls offline` only runs `offline:start`.
 */
import path from 'node:path';
import { EventSourceConsumer, type ConsumerLog } from './consumer';
import { readEventDefinitions, type ServiceDescription } from './event-definition';
import { MappingMonitor } from './mapping-monitor';
import { createOfflineLambda, type FunctionInvoker } from './offline-lambda';
import { listedAfterServerlessOffline } from '../shared/plugin-order';

/** The part of serverless's instance the plugin reads. */
interface Serverless {
  serviceDir?: string;
  service: {
    service?: string;
    provider: { region?: string };
    custom?: Record<string, unknown>;
    resources?: { extensions?: unknown };
    plugins?: unknown;
    getAllFunctions(): string[];
    getFunction(key: string): { name?: string };
    getAllEventsInFunction(key: string): unknown[] | undefined;
  };
  classes?: { Error?: new (message: string) => Error };
  /** osls's AWS provider: its naming gives the mappings' logical ids. */
  getProvider(name: 'aws'): { naming: OslsNaming };
}

interface OslsNaming {
  getKafkaEventLogicalId(functionKey: string, topic: string): string;
  getMSKEventLogicalId(functionKey: string, clusterToken: string, topic: string): string;
}

type PluginLog = ((message: string) => void) & ConsumerLog;

const SETTINGS_KEY = 'offlineKafka';

export default class OfflineKafkaPlugin {
  readonly hooks: Record<string, () => Promise<void>>;
  private readonly log: ConsumerLog;
  private consumers: EventSourceConsumer[] = [];
  private monitor: MappingMonitor | undefined;
  private invoker: FunctionInvoker | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly serverless: Serverless,
    private readonly cliOptions: Record<string, unknown>,
    utils: { log?: PluginLog } = {},
  ) {
    this.log = utils.log ?? consoleLog;
    this.hooks = {
      'offline:start:init': () => this.start(),
      'offline:start:end': () => this.stop(),
      'offline:start': () => this.startUntilSignal(),
    };
  }

  start(): Promise<void> {
    this.starting ??= this.startConsumers();
    return this.starting;
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const monitor = this.monitor;
    this.monitor = undefined;
    await monitor?.stop();
    // Each consumer lets its in-flight batch finish and commit before it leaves the group.
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await monitor?.writeStopped();
    this.consumers = [];
    await this.invoker?.cleanup();
    this.invoker = undefined;
  }

  private async startConsumers(): Promise<void> {
    let definitions: ReturnType<typeof readEventDefinitions>;
    try {
      definitions = readEventDefinitions(this.describeService());
    } catch (error) {
      const ServerlessError = this.serverless.classes?.Error;
      throw ServerlessError ? new ServerlessError(`offline-kafka: ${(error as Error).message}`) : error;
    }
    for (const warning of definitions.warnings) this.log.warning(`offline-kafka: ${warning}`);
    this.warnAboutPluginOrder();

    const mappings = definitions.mappings.filter((mapping) => {
      if (!mapping.enabled) this.log.notice(`offline-kafka: ${mapping.functionKey} ← ${mapping.topic} is disabled (enabled: false)`);
      return mapping.enabled;
    });
    if (mappings.length === 0) return;

    const functionKeys = [...new Set(mappings.map((mapping) => mapping.functionKey))];
    const { service } = this.serverless;
    this.invoker = await createOfflineLambda(
      this.serverless,
      { ...(service.custom?.['serverless-offline'] as Record<string, unknown> | undefined), ...this.cliOptions },
      functionKeys.map((functionKey) => ({ functionKey, functionDefinition: service.getFunction(functionKey) })),
    );
    const clientId = `${service.service ?? 'serverless'}-offline-kafka`;
    this.consumers = mappings.map((mapping) => new EventSourceConsumer(mapping, { invoker: this.invoker as FunctionInvoker, log: this.log, clientId }));
    this.log.notice(`offline-kafka: starting ${this.consumers.length} Kafka event source mapping(s): ${this.consumers.map((c) => c.label).join(', ')}`);
    for (const consumer of this.consumers) consumer.start();
    const { metricsFile, ...intervals } = definitions.settings;
    const file = metricsFile === null ? null : path.resolve(this.serverless.serviceDir ?? process.cwd(), metricsFile);
    this.monitor = new MappingMonitor(this.consumers, { ...intervals, metricsFile: file }, service.service ?? 'serverless', this.log);
    this.monitor.start();
  }

  /** Bare `sls offline`: serverless-offline waits for the same signals, then exits on its own. */
  private async startUntilSignal(): Promise<void> {
    await this.start();
    const stopOnce = (): void => {
      process.off('SIGINT', stopOnce);
      process.off('SIGTERM', stopOnce);
      void this.stop();
    };
    process.on('SIGINT', stopOnce);
    process.on('SIGTERM', stopOnce);
  }

  private describeService(): ServiceDescription {
    const { service } = this.serverless;
    const { naming } = this.serverless.getProvider('aws');
    return {
      region: service.provider.region ?? 'us-east-1',
      functions: service.getAllFunctions().map((key) => ({
        key,
        name: service.getFunction(key).name ?? key,
        events: service.getAllEventsInFunction(key) ?? [],
      })),
      settings: service.custom?.[SETTINGS_KEY],
      extensions: service.resources?.extensions,
      naming: {
        kafka: (functionKey, topic) => naming.getKafkaEventLogicalId(functionKey, topic),
        msk: (functionKey, clusterToken, topic) => naming.getMSKEventLogicalId(functionKey, clusterToken, topic),
      },
    };
  }

  /** serverless-offline exits in its end hook; listed after it, Ctrl-C would cut in-flight batches. */
  private warnAboutPluginOrder(): void {
    if (listedAfterServerlessOffline(this.serverless.service.plugins, 'offline-kafka')) {
      this.log.warning('offline-kafka: list it before serverless-offline in "plugins", or Ctrl-C cannot finish in-flight batches');
    }
  }
}

const consoleLog: ConsumerLog = {
  notice: (message) => console.log(message),
  warning: (message) => console.warn(message),
  error: (message) => console.error(message),
  debug: () => undefined,
};
