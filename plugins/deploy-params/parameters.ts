/**
 * A deployment's parameter file (infra/deploy/prod.json): plain JSON a deployer fills in. A value
 * still to be filled in is a placeholder, a string in angle brackets that says what belongs there
 * (`"<private subnet id (subnet-…)>"`); an empty list is unfilled too. Pure: reading and checking only.
 */
import { readFileSync } from 'node:fs';

export type ParameterValue = string | number | boolean | null | ParameterValue[] | { [key: string]: ParameterValue };
export type Parameters = { [key: string]: ParameterValue };

/** Names the file and what is wrong with it; never more than the file itself says. */
export class DeployParametersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployParametersError';
  }
}

const PLACEHOLDER = /^<.*>$/s;

export function isPlaceholder(value: ParameterValue): boolean {
  return typeof value === 'string' && PLACEHOLDER.test(value.trim());
}

/** `$comment` keys document the file; they are no parameters. */
const isComment = (key: string): boolean => key.startsWith('$');

export interface Unfilled {
  /** Where in the file: `network.subnetIds[0]`. */
  name: string;
  /** The placeholder's own words, or why the value counts as unfilled. */
  hint: string;
}

/** Every parameter still to be filled in, in the file's order. */
export function unfilledParameters(value: ParameterValue, name = ''): Unfilled[] {
  if (isPlaceholder(value)) return [{ name, hint: (value as string).trim() }];
  if (Array.isArray(value)) {
    if (value.length === 0) return [{ name, hint: 'an empty list' }];
    return value.flatMap((item, index) => unfilledParameters(item, `${name}[${index}]`));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .filter(([key]) => !isComment(key))
      .flatMap(([key, item]) => unfilledParameters(item, name ? `${name}.${key}` : key));
  }
  return [];
}

export function readParameters(file: string, shownAs: string): Parameters {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DeployParametersError(`${shownAs}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new DeployParametersError(`${shownAs} is not JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new DeployParametersError(`${shownAs} must hold a JSON object`);
  return parsed as Parameters;
}

/** The refusal: every unfilled parameter by name, with what belongs there. */
export function refusal(shownAs: string, unfilled: readonly Unfilled[]): string {
  const lines = unfilled.map(({ name, hint }) => `      ${name}: ${hint}`);
  const head = `${shownAs} has ${unfilled.length} parameter(s) still to fill in before this stage can be packaged or deployed (docs/deploy.md):`;
  return [head, ...lines].join('\n');
}

/** The value at a dotted address (`kafka.bootstrapServers`); a missing one is named, as serverless.yml asked for it. */
export function parameterAt(parameters: Parameters, address: string, shownAs: string): ParameterValue {
  let value: ParameterValue = parameters;
  for (const key of address.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) {
      throw new DeployParametersError(`${shownAs} has no "${address}", which serverless.yml reads`);
    }
    value = value[key]!;
  }
  return value;
}
