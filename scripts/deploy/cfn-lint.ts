/**
 * cfn-lint, the CloudFormation linter from PyPI (pinned by infra/deploy/cfn-lint-requirements.txt and
 * its constraints), in a venv under the stack home (.stack/opt/cfn-lint/venv), installed as the stack
 * installs its Python tools (scripts/stack/python.ts: wheels fetched once, installed from them).
 * `lintTemplate` runs it on a template `sls package` wrote and returns what it found.
 */
import { execFile } from 'node:child_process';
import { createContext } from '../stack/context';
import { ensurePythonEnv, type PythonEnv } from '../stack/python';
import type { StackContext } from '../stack/service';

export const CFN_LINT_PINS = { requirements: 'infra/deploy/cfn-lint-requirements.txt', constraints: 'infra/deploy/cfn-lint-constraints.txt' } as const;

export interface CfnLintFinding {
  /** The rule's id: E… an error, W… a warning, I… information. */
  rule: string;
  level: 'Error' | 'Warning' | 'Informational';
  message: string;
  /** Where in the template, e.g. Resources/IamRoleLambdaExecution/Properties/Policies. */
  path: string;
}

interface JsonFinding {
  Level: CfnLintFinding['level'];
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] | null };
}

export function ensureCfnLint(ctx: StackContext = createContext((m) => process.stderr.write(`[cfn-lint] ${m}\n`))): Promise<PythonEnv> {
  return ensurePythonEnv(ctx, 'cfn-lint', CFN_LINT_PINS.requirements, CFN_LINT_PINS.constraints);
}

/**
 * Every finding for the template, checked against the Regions given (the ones it is deployed to).
 * cfn-lint's exit status is a bit mask of what it found (2 errors, 4 warnings, 8 information), so
 * only bit 1, its own failure, is one here.
 */
export async function lintTemplate(template: string, regions: readonly string[], env?: PythonEnv): Promise<CfnLintFinding[]> {
  const cfnLint = (env ?? (await ensureCfnLint())).bin('cfn-lint');
  const args = ['--format', 'json', '--regions', ...regions, '--', template];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(cfnLint, args, { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 }, (err, out, errOut) => {
      const status = err === null ? 0 : (err as { code?: unknown }).code;
      if (typeof status !== 'number') reject(new Error(`cfn-lint did not run: ${(err as Error).message}`));
      else resolve({ code: status, stdout: out, stderr: errOut });
    });
  });
  if ((code & 1) !== 0) throw new Error(`cfn-lint failed (exit ${code}): ${stderr.trim() || stdout.trim()}`);
  return (JSON.parse(stdout || '[]') as JsonFinding[]).map((f) => ({
    rule: f.Rule.Id,
    level: f.Level,
    message: f.Message,
    path: (f.Location.Path ?? []).join('/'),
  }));
}
