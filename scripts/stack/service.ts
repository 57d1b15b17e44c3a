/**
 * The shape every native-stack service has, so the supervisor treats them uniformly and adding one
 * never touches the others (each lives in scripts/stack/services/<name>.ts).
 */
import type { Config } from '../../layers/config';

export type ServiceName = 'zookeeper' | 'kafka' | 'postgres' | 'schema-registry' | 'cassandra' | 'airflow' | 'spark';

/** How to start a service's process; the supervisor spawns it detached, logging to its own file. */
export interface LaunchSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

export interface JavaRuntime {
  bin: string;
  home: string;
  major: number;
}

export interface StackContext {
  config: Config;
  /** Absolute repository root. */
  root: string;
  /** Absolute stack home (default <root>/.stack): data/, logs/, run/, opt/, cache/. */
  home: string;
  /** .stack/data/<name>, created on demand. */
  dataDir(name: string): string;
  /** .stack/logs/<name>.log */
  logFile(name: string): string;
  /** .stack/opt/<name>: unpacked distributions and generated config. Created on demand. */
  optDir(name: string): string;
  /** A short progress line for the person watching (downloads, waits). */
  progress(message: string): void;
  /** A Java of one of these major versions (the ones the service runs on), found or brought (scripts/stack/java.ts). */
  java(service: string, versions: readonly number[]): Promise<JavaRuntime>;
  /** Resolves a Maven project's runtime classpath (downloads cached in ~/.m2), returns it joined with ':'. */
  mavenClasspath(pomPath: string): Promise<string>;
}

/** What a service needs from the registries: `stack:fetch` gets exactly this, and `prepare` uses the same. */
export interface Downloads {
  /** The Java major versions it runs on. */
  java?: readonly number[];
  /** A pom under infra/native whose runtime classpath (or archive) it runs. */
  maven?: string;
  /** Python packages, pinned by a requirements file and its constraints. */
  python?: { requirements: string; constraints?: string };
  /** Comes with `npm ci` (named for the person reading `stack:fetch`). */
  npm?: string;
}

export interface Service {
  name: ServiceName;
  downloads: Downloads;
  /** Started only when asked for (`stack:up -- --with airflow`); the core pipeline does not need it. */
  optional?: boolean;
  /** Services that must answer before this one starts. */
  dependsOn: ServiceName[];
  port(ctx: StackContext): number;
  /** The URL a client uses, printed by `stack:status --json`. */
  endpoint(ctx: StackContext): string;
  /** Download/prepare (idempotent, cached) and return the command to run. */
  prepare(ctx: StackContext): Promise<LaunchSpec>;
  /** One protocol-level check ("answers its own protocol", not just an open port). Throws if not ready. */
  probe(ctx: StackContext): Promise<void>;
  /** Idempotent set-up run each time the service became ready (e.g. databases other services need). */
  initialize?(ctx: StackContext): Promise<void>;
  /** Upper bound for becoming ready after spawn. */
  readyTimeoutMs: number;
  /** Upper bound for a graceful stop before SIGKILL. */
  stopTimeoutMs: number;
  /** The signal that stops it gracefully (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** Its worker processes leave its process group (PostgreSQL's call setsid): found by executable instead. */
  workersLeaveGroup?: boolean;
}

/** A failure that names the service, the cause and where its log is. */
export class StackError extends Error {
  constructor(
    readonly service: string,
    readonly cause_: string,
    readonly logPath?: string,
  ) {
    super(`${service}: ${cause_}${logPath ? ` (log: ${logPath})` : ''}`);
    this.name = 'StackError';
  }
}
