import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretReader } from '../../ports/SecretReader.ts';

/**
 * Secrets Manager, read a few times an hour at most: a sign-in does not pay a request each time,
 * and a rotated secret is in force within `ttlMs`. A secret kept as JSON gives its
 * `client_secret` field (the console's key/value form); otherwise the string is the secret.
 */
export class SecretsManagerReader implements SecretReader {
  private readonly cache = new Map<string, { at: number; value: string }>();

  constructor(private readonly client: SecretsManagerClient, private readonly ttlMs = 5 * 60_000, private readonly now = () => Date.now()) {}

  async read(ref: string): Promise<string> {
    const kept = this.cache.get(ref);
    if (kept && this.now() - kept.at < this.ttlMs) return kept.value;
    const res = await this.client.send(new GetSecretValueCommand({ SecretId: ref }));
    const value = secretOf(res.SecretString ?? (res.SecretBinary ? Buffer.from(res.SecretBinary).toString('utf8') : ''));
    if (!value) throw new Error(`Secrets Manager: ${ref} has no value / không có giá trị`);
    this.cache.set(ref, { at: this.now(), value });
    return value;
  }
}

function secretOf(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const json = JSON.parse(trimmed) as { client_secret?: unknown };
      if (typeof json.client_secret === 'string') return json.client_secret;
    } catch { /* a secret that only looks like JSON */ }
  }
  return trimmed;
}
