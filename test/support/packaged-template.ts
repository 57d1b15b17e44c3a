/**
 * The real osls CLI run as a deployer runs it (no AWS credentials are needed to package or print),
 * and what it wrote read back: the CloudFormation template of `sls package`, the resolved
 * configuration of `sls print`, or the refusal it exited with.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(__dirname, '..', '..');
const SLS = path.join(root, 'node_modules', '.bin', 'sls');

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
}

export interface Template {
  Resources: Record<string, Resource>;
}

export interface SlsRun {
  code: number;
  output: string;
}

/** `sls <args>` in the repository, its exit status and everything it printed. */
export function sls(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SlsRun> {
  return new Promise((resolve) => {
    execFile(
      SLS,
      args,
      {
        cwd: root,
        env: { ...process.env, ...env, PATH: `${path.join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}` },
        timeout: 300_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/** `sls package` into a fresh folder (the caller removes it; removed here when packaging fails); the template's path and content. */
export async function packageTemplate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ dir: string; file: string; template: Template }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-package-'));
  try {
    const run = await sls(['package', ...args, '--package', dir], env);
    if (run.code !== 0) throw new Error(`sls package ${args.join(' ')} failed (exit ${run.code}):\n${run.output}`);
    const file = path.join(dir, 'cloudformation-template-update-stack.json');
    return { dir, file, template: JSON.parse(readFileSync(file, 'utf8')) as Template };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** `sls print`: the configuration with every variable resolved. */
export async function printConfig(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> {
  const run = await sls(['print', '--format', 'json', ...args], env);
  if (run.code !== 0) throw new Error(`sls print ${args.join(' ')} failed (exit ${run.code}):\n${run.output}`);
  return JSON.parse(run.output.slice(run.output.indexOf('{'))) as Record<string, unknown>;
}

export const ofType = (template: Template, type: string): [string, Resource][] => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** An environment value as the function sees it: Fn::Join of plain strings joined (KAFKA_BROKERS in prod). */
export function deployedValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join?.[1].every((part) => typeof part === 'string')) return join[1].join(join[0]);
  throw new Error(`not a value the function would see as a string: ${JSON.stringify(value)}`);
}

/** Its items, whether CloudFormation was given one value or a list. */
export const listOf = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
