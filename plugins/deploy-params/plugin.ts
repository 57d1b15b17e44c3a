/**
 * The serverless plugin: one variable source over the parameter file a deployer fills in once (the
 * file custom.deployParameters names: infra/deploy/prod.json, or TRIBUTARY_DEPLOY_PARAMS instead).
 * `${deploy:<address>}` is one value (`${deploy:kafka.bootstrapServers}`); `${deploy:}` is the whole
 * file, checked: while a placeholder is left it refuses, naming every one. Variables resolve before
 * anything is validated, packaged or deployed, and osls resolves a stage's params only for that
 * stage, so only params.prod ever opens the file: dev and offline never do.
 */
import path from 'node:path';
import { DeployParametersError, parameterAt, type Parameters, readParameters, refusal, unfilledParameters } from './parameters';

/** The part of serverless's instance the plugin reads. */
interface Serverless {
  classes?: { Error?: new (message: string) => Error };
}

/** What osls hands a variable source (lib/configuration/variables/resolve.js). */
interface SourceInput {
  address?: unknown;
  serviceDir: string;
  resolveConfigurationProperty(keys: string[]): Promise<unknown>;
}

const FILE_SETTING = ['custom', 'deployParameters'];

export default class DeployParamsPlugin {
  readonly configurationVariablesSources: Record<string, { resolve(input: SourceInput): Promise<{ value: unknown }> }>;
  private readonly files = new Map<string, Parameters>();

  constructor(private readonly serverless: Serverless) {
    this.configurationVariablesSources = { deploy: { resolve: (input) => this.resolve(input) } };
  }

  private async resolve({ address, serviceDir, resolveConfigurationProperty }: SourceInput): Promise<{ value: unknown }> {
    try {
      const setting = await resolveConfigurationProperty(FILE_SETTING);
      if (typeof setting !== 'string' || setting === '') throw new DeployParametersError(`${FILE_SETTING.join('.')} must name the parameter file`);
      const file = path.resolve(serviceDir, setting);
      const shownAs = path.relative(serviceDir, file) || file;
      const parameters = this.files.get(file) ?? readParameters(file, shownAs);
      this.files.set(file, parameters);
      if (typeof address === 'string' && address !== '') return { value: parameterAt(parameters, address, shownAs) };
      // Only the whole file refuses: one variable, so the list is printed once rather than once per value.
      const unfilled = unfilledParameters(parameters);
      if (unfilled.length > 0) throw new DeployParametersError(refusal(shownAs, unfilled));
      return { value: parameters };
    } catch (error) {
      // osls prints a ServerlessError's message alone, any other error with its stack.
      const ServerlessError = this.serverless.classes?.Error;
      throw ServerlessError && error instanceof DeployParametersError ? new ServerlessError(error.message) : error;
    }
  }
}
