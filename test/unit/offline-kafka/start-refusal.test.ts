/** A mapping AWS would refuse stops `sls offline start` before anything runs, naming the property. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const FIXTURE = path.resolve(__dirname, '../../fixtures/offline-kafka');
const SLS = path.resolve(__dirname, '../../../node_modules/osls/bin/serverless.js');

it('refuses MaximumRecordAgeInSeconds 30 in resources.extensions with its path', () => {
  const result = spawnSync(process.execPath, [SLS, 'offline', 'start', '--config', 'serverless.invalid.yml'], {
    cwd: FIXTURE,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.status).toBe(1);
  expect(`${result.stdout}${result.stderr}`).toContain(
    'offline-kafka: resources.extensions.TransformEventSourceMappingKafkaUsersraw.Properties.MaximumRecordAgeInSeconds: must be -1 or an integer from 60 to 604800',
  );
});
