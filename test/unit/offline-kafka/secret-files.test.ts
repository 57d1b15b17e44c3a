import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCertificateFile, readCredentialsFile } from '../../../plugins/offline-kafka/secret-files';

const dir = mkdtempSync(path.join(tmpdir(), 'offline-kafka-secrets-'));
const PASSWORD = 'not-to-be-quoted';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function file(name: string, content: string, mode = 0o600): string {
  const at = path.join(dir, name);
  writeFileSync(at, content, { mode });
  return at;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secret files', () => {
  it('reads credentials in Secrets Manager JSON from an owner-only file', async () => {
    await expect(readCredentialsFile(file('ok.json', JSON.stringify({ username: 'u', password: PASSWORD })))).resolves.toEqual({
      username: 'u',
      password: PASSWORD,
    });
  });

  it('refuses credentials others may read, or not in that format, without quoting them', async () => {
    const shared = file('shared.json', JSON.stringify({ username: 'u', password: PASSWORD }), 0o644);
    await expect(readCredentialsFile(shared)).rejects.toThrow(`secret ${shared}: must be readable by its owner only (mode 644; chmod 600)`);
    const plain = file('plain.txt', PASSWORD);
    const refusal = readCredentialsFile(plain);
    await expect(refusal).rejects.toThrow('must hold JSON {"username": …, "password": …}');
    await expect(refusal).rejects.not.toThrow(PASSWORD);
  });

  it('reads a root CA as PEM or as AWS\'s {"certificate": …}', async () => {
    await expect(readCertificateFile(file('ca.pem', PEM, 0o644))).resolves.toBe(PEM);
    await expect(readCertificateFile(file('ca.json', JSON.stringify({ certificate: PEM })))).resolves.toBe(PEM);
    await expect(readCertificateFile(file('bad.json', '{"cert": 1}'))).rejects.toThrow('must be a PEM certificate or JSON {"certificate": "<PEM>"}');
  });
});
