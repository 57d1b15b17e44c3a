/**
 * `sls offline start` as npm start runs it (the project's serverless.yml, serverless-esbuild first)
 * refuses a mapping setting it cannot honour: it exits at once with the property path, and
 * startOffline's error carries osls' message. Without patches/osls+4.3.1.patch the process printed
 * the refusal and then hung on serverless-esbuild's build contexts and file watchers. The
 * refusal comes before any connection, so no stack is needed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startOffline } from '../../scripts/pipeline/offline';

const root = path.resolve(__dirname, '..', '..');
const GLUE_REGISTRY = 'arn:aws:glue:us-east-1:123456789012:registry/users';
const PROPERTY =
  'resources.extensions.TransformEventSourceMappingKafkaUsersraw.Properties.SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig.SchemaRegistryURI';

const dir = mkdtempSync(path.join(tmpdir(), 'offline-refusal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('exits with code 1 and names the property when a mapping points at a registry it cannot reach offline', async () => {
  const logFile = path.join(dir, 'functions.log');
  const started = startOffline({ root, env: { SCHEMA_REGISTRY_URL: GLUE_REGISTRY, FETCH_SCHEDULE_ENABLED: 'false' }, logFile });
  const failure = await started.then(
    async (offline) => {
      await offline.stop();
      return new Error('sls offline start became ready');
    },
    (err: unknown) => err as Error,
  );
  expect(failure.message).toContain(`sls offline start exited during start-up (code 1); see ${logFile}\n`);
  expect(failure.message).toContain(`\n  offline-kafka: ${PROPERTY}: ${GLUE_REGISTRY} is an AWS Glue schema registry`);
  expect(readFileSync(logFile, 'utf8')).toContain(PROPERTY);
}, 240_000);
