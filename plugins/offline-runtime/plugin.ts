/**
 * The serverless plugin: for `sls offline start` with handlers in serverless-offline's own process
 * (useInProcess), provides what the Lambda runtime would (runtime.ts), and on stop waits for the
 * invocations still running, which serverless-offline would cut when it exits in its end hook.
 * List it after the plugins that feed invocations (offline-kafka: their own stop runs first) and
 * before serverless-offline.
 */
import { InvocationsInFlight } from './invocations';
import { installOfflineRuntime } from './runtime';
import { restoreSourceMaps } from './source-maps';
import { listedAfterServerlessOffline } from '../shared/plugin-order';

/** The part of serverless's instance the plugin reads. */
interface Serverless {
  serviceDir?: string;
  config?: { servicePath?: string };
  service: { plugins?: unknown; custom?: Record<string, unknown> };
  classes?: { Error?: new (message: string) => Error };
}

interface PluginLog {
  notice(message: string): void;
  warning(message: string): void;
}

/** How long a stop waits for invocations in flight: inside the 30 s scripts/pipeline/offline.ts gives sls before SIGKILL. */
export const DRAIN_TIMEOUT_MS = 20_000;

export default class OfflineRuntimePlugin {
  readonly hooks: Record<string, () => Promise<void>>;
  readonly inFlight = new InvocationsInFlight();
  private readonly log: PluginLog;
  private installing: Promise<void> | undefined;

  constructor(
    private readonly serverless: Serverless,
    private readonly cliOptions: Record<string, unknown> = {},
    utils: { log?: PluginLog } = {},
  ) {
    this.log = utils.log ?? { notice: (m) => console.log(m), warning: (m) => console.warn(m) };
    this.hooks = {
      'offline:start:init': () => this.install(),
      'offline:start:end': () => this.stop(),
      'offline:start': () => this.install(),
    };
  }

  /**
   * Runs in this plugin's init hook, before serverless-offline's (listed after it) creates any
   * function, so no invocation runs without the store; fails the start when serverless-offline's
   * internals are not what runtime.ts relies on.
   */
  install(): Promise<void> {
    this.installing ??= (async () => {
      if (!this.inProcess()) return;
      this.checkPluginOrder();
      // Before any handler's bundle is loaded: tsx left source maps on for the whole process.
      restoreSourceMaps();
      try {
        await installOfflineRuntime(this.serviceDir(), this.inFlight);
      } catch (error) {
        throw this.error(`offline-runtime: ${(error as Error).message}`);
      }
    })();
    return this.installing;
  }

  async stop(): Promise<void> {
    if (this.inFlight.count > 0) this.log.notice(`offline-runtime: waiting for ${this.inFlight.count} invocation(s) in flight`);
    if (!(await this.inFlight.whenIdle(DRAIN_TIMEOUT_MS))) {
      this.log.warning(`offline-runtime: ${this.inFlight.count} invocation(s) still running after ${DRAIN_TIMEOUT_MS / 1000} s; stopping anyway`);
    }
  }

  /** The runtime concerns in-process handlers only; worker threads and Docker have a module per invocation. */
  private inProcess(): boolean {
    const settings = this.serverless.service.custom?.['serverless-offline'] as Record<string, unknown> | undefined;
    const option = this.cliOptions.useInProcess ?? settings?.useInProcess;
    return option === true || option === 'true';
  }

  private serviceDir(): string {
    return this.serverless.serviceDir ?? this.serverless.config?.servicePath ?? process.cwd();
  }

  /** serverless-offline exits in its end hook and creates the functions in its init hook: this plugin must come first. */
  private checkPluginOrder(): void {
    if (listedAfterServerlessOffline(this.serverless.service.plugins, 'offline-runtime')) {
      throw this.error('offline-runtime: list it before serverless-offline in "plugins"');
    }
  }

  private error(message: string): Error {
    const ServerlessError = this.serverless.classes?.Error;
    return ServerlessError ? new ServerlessError(message) : new Error(message);
  }
}
