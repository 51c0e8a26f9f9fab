import type { ObjectStore } from '../ports/ObjectStore.ts';
import type { SecretReader } from '../ports/SecretReader.ts';
import type { SettingsService } from './settings.ts';

/**
 * Where the OpenID Connect client secret is kept, never in the settings (the SQL reads them) nor
 * in their history or the audit log: on AWS in Secrets Manager, the settings naming it
 * (oidc_client_secret_ref); locally in the data folder beside the link key, typed on the
 * settings page. CHISO_OIDC_CLIENT_SECRET, where given, is used while nothing else is.
 */
export type OidcSecretKeeper =
  | { kind: 'secrets-manager'; value(): Promise<string | undefined> }
  | { kind: 'state-folder'; value(): Promise<string | undefined>; isSet(): Promise<boolean>; keep(secret: string | null): Promise<void> };

const LOCAL_SECRET_KEY = 'state/oidc-client-secret';

export function secretsManagerSecret(settings: Pick<SettingsService, 'value'>, reader: SecretReader, fromEnvironment?: string): OidcSecretKeeper {
  return {
    kind: 'secrets-manager',
    async value() {
      const ref = await settings.value('oidc_client_secret_ref');
      return ref ? reader.read(ref) : fromEnvironment || undefined;
    },
  };
}

export function stateFolderSecret(store: ObjectStore, fromEnvironment?: string): OidcSecretKeeper {
  const kept = async () => {
    const bytes = await store.get(LOCAL_SECRET_KEY);
    return bytes ? Buffer.from(bytes).toString('utf8').trim() || undefined : undefined;
  };
  return {
    kind: 'state-folder',
    async value() {
      return (await kept()) ?? (fromEnvironment || undefined);
    },
    async isSet() {
      return Boolean(await kept());
    },
    async keep(secret) {
      if (secret) await store.put(LOCAL_SECRET_KEY, secret);
      else await store.delete(LOCAL_SECRET_KEY);
    },
  };
}
