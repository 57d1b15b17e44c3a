/**
 * npm run invoke -- <function> ['<json payload>']
 * Invokes a function of the running `npm start` through serverless-offline's Lambda API, as
 * Airflow and the functions themselves do (AWS SDK v3 Lambda client).
 */
import { loadConfig, topology } from '../layers/config';
import { createLambdaClient, invokeFunction } from '../layers/adapters/lambda';

async function main(): Promise<void> {
  const [name, payload = '{}'] = process.argv.slice(2);
  if (!name) throw new Error('usage: npm run invoke -- <fetch|persist|publish|transform|sink> [json]');
  const config = loadConfig();
  const client = createLambdaClient({ ...config.lambda, endpoint: config.lambda.endpoint ?? `http://127.0.0.1:${topology.ports.offlineLambda}` });
  const result = await invokeFunction(client, `tributary-${config.lambda.stage}-${name}`, JSON.parse(payload));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
