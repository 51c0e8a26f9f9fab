import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerReader } from '../../functions/adapters/secrets/SecretsManagerReader.ts';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { secretsManagerSecret, stateFolderSecret } from '../../functions/services/oidcSecret.ts';
import { createSettings, settingProblem } from '../../functions/services/settings.ts';

const sm = mockClient(SecretsManagerClient);
let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'chiso-oidc-secret-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });
beforeEach(() => sm.reset());

const ARN = 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:chiso/oidc-client-secret-AbCdEf';

/** Single sign-on's client secret: Secrets Manager on AWS (the settings name it), the data folder locally. */
describe('the OpenID Connect client secret', () => {
  it('on AWS is read from the secret the settings name, a few times an hour at most; the settings hold only its name', async () => {
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: '{"client_secret":"s3cr3t-from-the-console"}' });
    let now = 0;
    const settings = createSettings(new FsObjectStore(join(dir, 'aws')), () => new Date());
    const keeper = secretsManagerSecret(settings, new SecretsManagerReader(new SecretsManagerClient({ region: 'ap-southeast-1' }), 300_000, () => now), 'from-the-environment');
    // Nothing named yet: the environment's, if any.
    expect(await keeper.value()).toBe('from-the-environment');
    await settings.set('oidc_client_secret_ref', ARN, { id: 'admin', name: 'Anh Minh' });
    expect(await keeper.value()).toBe('s3cr3t-from-the-console');
    expect(await keeper.value()).toBe('s3cr3t-from-the-console');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    now += 300_001; // rotated secrets are in force within five minutes
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: 'rotated' });
    expect(await keeper.value()).toBe('rotated');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect((await settings.history()).map((c) => c.value)).toEqual([ARN]);
    // A secret pasted where its name belongs is refused (the settings are readable by SQL).
    expect(settingProblem('oidc_client_secret_ref', 'Zx9vQ2mK7pL4wR8tY1uI3oP6aS5dF0gH')).not.toBeNull();
    expect(settingProblem('oidc_client_secret_ref', 'chiso/oidc-client-secret')).toBeNull();
  });

  it('on AWS, a secret that cannot be read is an error (the sign-in page says the provider is unreachable), not a silent "off"', async () => {
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('User is not authorized to perform secretsmanager:GetSecretValue'), { name: 'AccessDeniedException' }));
    const settings = createSettings(new FsObjectStore(join(dir, 'denied')), () => new Date());
    await settings.set('oidc_client_secret_ref', 'chiso/oidc-client-secret', { id: 'admin', name: 'Anh Minh' });
    await expect(secretsManagerSecret(settings, new SecretsManagerReader(new SecretsManagerClient({ region: 'ap-southeast-1' }))).value()).rejects.toThrow(/not authorized/);
  });

  it('locally stays in the data folder: set, replaced, removed (the environment again)', async () => {
    const store = new FsObjectStore(join(dir, 'local'));
    const keeper = stateFolderSecret(store, 'from-the-environment');
    if (keeper.kind !== 'state-folder') throw new Error(keeper.kind);
    expect([await keeper.isSet(), await keeper.value()]).toEqual([false, 'from-the-environment']);
    await keeper.keep('typed-on-the-page');
    expect([await keeper.isSet(), await keeper.value()]).toEqual([true, 'typed-on-the-page']);
    await keeper.keep(null);
    expect([await keeper.isSet(), await keeper.value()]).toEqual([false, 'from-the-environment']);
  });
});
