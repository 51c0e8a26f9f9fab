import { resolve } from 'node:path';

interface Common {
  /** Vietnam keeps UTC+7 all year; a province elsewhere would set its own. */
  utcOffsetHours: number;
  /** Where leaders open links (CHISO_PUBLIC_URL); unset: the server's own address. */
  publicUrl?: string;
  /**
   * CHISO_APPROVAL=on|off: whether accepted reports wait for their unit head's approval, recorded
   * only while the deployment has no approval setting yet (its first start). After that the
   * setting is data with a history (`chiso settings approval on|off`), never this variable: a
   * process started without it changes nothing.
   */
  initialApproval?: boolean;
}

const approvalOf = (env: NodeJS.ProcessEnv) => {
  const v = env.CHISO_APPROVAL?.trim();
  if (!v) return undefined;
  return /^(on|yes|true|1)$/i.test(v);
};
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
  /** The upload bucket (UPLOAD_BUCKET): the clerk's forms post files to its staging/ folder (the query function only). */
  uploadBucket?: string;
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
    initialApproval: overrides.initialApproval ?? approvalOf(env),
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
    uploadBucket: env.UPLOAD_BUCKET || undefined,
    utcOffsetHours: Number(env.CHISO_UTC_OFFSET_HOURS ?? 7),
    publicUrl: publicUrlOf(env),
    initialApproval: approvalOf(env),
  };
}
