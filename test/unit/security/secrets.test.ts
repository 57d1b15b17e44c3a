/** layers/secrets with file: references: owner-only files, the one JSON shape, and no value in any message. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseReference, readCredentials, SecretAccessError } from '../../../layers/secrets';

const dir = mkdtempSync(path.join(tmpdir(), 'tributary-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, content: string, mode = 0o600): string {
  const file = path.join(dir, name);
  writeFileSync(file, content, { mode });
  chmodSync(file, mode);
  return `file:${file}`;
}

async function refusal(reference: string): Promise<SecretAccessError> {
  const error = await readCredentials(reference).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SecretAccessError);
  return error as SecretAccessError;
}

describe('readCredentials from a file', () => {
  it('reads {"username","password"} from an owner-only file', async () => {
    await expect(readCredentials(secretFile('good.json', '{"username":"tributary","password":"s3cret-value"}'))).resolves.toEqual({
      username: 'tributary',
      password: 's3cret-value',
    });
  });

  it('refuses a file others may read, naming the fix', async () => {
    const error = await refusal(secretFile('open.json', '{"username":"u","password":"s3cret-value"}', 0o644));
    expect(error.message).toMatch(/mode 644 lets others read it; chmod 600/);
    expect(error.message).not.toContain('s3cret-value');
  });

  it('refuses text that is not JSON without quoting it', async () => {
    const error = await refusal(secretFile('text.json', 'password=s3cret-value'));
    expect(error.message).toMatch(/is not JSON$/);
    expect(error.message).not.toContain('s3cret-value');
  });

  it('refuses JSON without a username or a password', async () => {
    const error = await refusal(secretFile('half.json', '{"password":"s3cret-value"}'));
    expect(error.message).toMatch(/non-empty "username" and "password"/);
    expect(error.message).not.toContain('s3cret-value');
  });

  it('names a missing file', async () => {
    expect((await refusal(`file:${path.join(dir, 'absent.json')}`)).message).toMatch(/no such file$/);
  });
});

describe('parseReference', () => {
  it('tells files, Secrets Manager and SSM apart', () => {
    expect(parseReference('file:.stack-secure/secrets/postgres.json')).toEqual({ kind: 'file', path: '.stack-secure/secrets/postgres.json' });
    expect(parseReference('arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_tributary-AbCdEf')).toMatchObject({ kind: 'secretsmanager' });
    expect(parseReference('arn:aws:ssm:eu-west-1:123456789012:parameter/tributary/prod/postgres')).toMatchObject({ kind: 'ssm' });
    expect(parseReference('ssm:/tributary/prod/postgres')).toEqual({ kind: 'ssm', name: '/tributary/prod/postgres' });
  });

  it('refuses a value that is no reference (a password pasted in by mistake) without echoing it', () => {
    expect(() => parseReference('hunter2')).toThrow(SecretAccessError);
    expect(() => parseReference('hunter2')).toThrow(/^secret of 7 characters: not a reference/);
  });
});
