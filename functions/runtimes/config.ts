import { resolve } from 'node:path';

interface Common {
  /** Vietnam keeps UTC+7 all year; a province elsewhere would set its own. */
  utcOffsetHours: number;
  /** Where leaders open links (CHISO_PUBLIC_URL); unset: the server's own address. */
  publicUrl?: string;
  /** Each accepted report waits for its unit head's approval before leaders see it (CHISO_APPROVAL=on). */
  approvalRequired?: boolean;
}

const approvalOf = (env: NodeJS.ProcessEnv) => /^(on|yes|true|1)$/i.test(env.CHISO_APPROVAL ?? '');
const publicUrlOf = (env: NodeJS.ProcessEnv) => env.CHISO_PUBLIC_URL?.replace(/\/+$/, '') || undefined;

/** chiso on a laptop or a server: a data folder and embedded DuckDB. */
export interface LocalDeployment extends Common {
  kind: 'local';
  dataDir: string;
  port: number;
}

/** chiso on AWS: the lake bucket, Glue and Athena; read from the function's environment. */
export interface AwsDeployment extends Common {
  kind: 'aws';
  lakeBucket: string;
  database: string;
  workGroup: string;
  /** Secrets Manager secret that signs leaders' links (the query function only). */
  linkSecretArn: string;
  /** An S3-compatible endpoint (MinIO, s3rver) instead of AWS's: path-style addressing. */
  s3Endpoint?: string;
  /** Fold a period inline once a reader would open this many objects for it (manifests and files). */
  compactFromObjects: number;
  /** The SES-verified address reminders are sent from (CHISO_REMINDER_FROM); unset: outbox only. */
  reminderFrom?: string;
}

export type Deployment = LocalDeployment | AwsDeployment;

/** Everything read from the environment, read once at the edge and passed in. */
export function readLocalConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<LocalDeployment> = {}): LocalDeployment {
  return {
    kind: 'local',
    dataDir: resolve(overrides.dataDir ?? env.CHISO_DATA_DIR ?? '.chiso'),
    port: overrides.port ?? Number(env.PORT ?? 8787),
    utcOffsetHours: overrides.utcOffsetHours ?? Number(env.CHISO_UTC_OFFSET_HOURS ?? 7),
    publicUrl: overrides.publicUrl ?? publicUrlOf(env),
    approvalRequired: overrides.approvalRequired ?? approvalOf(env),
  };
}

/** The Lambda functions' environment, as the CDK stack sets it. */
export function readAwsConfig(env: NodeJS.ProcessEnv = process.env): AwsDeployment {
  const need = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
  };
  return {
    kind: 'aws',
    lakeBucket: need('LAKE_BUCKET'),
    database: need('GLUE_DATABASE'),
    workGroup: env.ATHENA_WORKGROUP ?? '',
    linkSecretArn: env.LINK_SECRET_ARN ?? '',
    s3Endpoint: env.CHISO_S3_ENDPOINT || undefined,
    compactFromObjects: Number(env.CHISO_COMPACT_FROM_OBJECTS ?? 16),
    reminderFrom: env.CHISO_REMINDER_FROM || undefined,
    utcOffsetHours: Number(env.CHISO_UTC_OFFSET_HOURS ?? 7),
    publicUrl: publicUrlOf(env),
    approvalRequired: approvalOf(env),
  };
}
