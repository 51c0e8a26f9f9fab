import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { DIMENSION_TABLES, ROW_TABLES, KPI_VALUES_COLUMNS, KPI_VALUES_PARTITIONS, SUBMISSIONS_COLUMNS, type ColumnSpec } from '../schemas/records.ts';
import { compilePlaceholders } from '../functions/domain/queries/savedQueries.ts';
import { inlineViews } from '../functions/domain/queries/inlineViews.ts';
import { loadSavedQueries, lakeViews } from '../functions/adapters/files/sqlFiles.ts';
import { FONT_FILES, FONT_PACKAGE, LAZY_MODULES } from '../functions/adapters/files/assets.ts';
import { TABLE_LOCATIONS, type LakeTable } from '../functions/domain/lakeKeys.ts';
import { STAGING_PREFIX } from '../functions/domain/directUpload.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const GLUE_TYPE: Record<ColumnSpec['type'], string> = { string: 'string', double: 'double', int32: 'int', int64: 'bigint', timestamp: 'timestamp' };
const PARQUET = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
};
/** Parquet files named by manifests (Delta Lake's way for Athena): the location holds text files of S3 URIs. */
const SYMLINK_PARQUET = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  serdeInfo: PARQUET.serdeInfo,
};
/** How cdk-nag spells a value in a finding's id: itself, or <AWS::AccountId> for a deploy-time token. */
const nagName = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
const columnsOf = (specs: readonly ColumnSpec[]) => specs.map((c) => ({ name: c.name, type: GLUE_TYPE[c.type], comment: c.doc }));

export interface ChisoStackProps extends StackProps {
  /** Bytes one query may scan before Athena stops it. */
  bytesScannedCutoff?: number;
  /**
   * The SES-verified address reminders are sent from (context `reminderFrom`); without it the
   * reminders are kept in the lake bucket's outbox/ and on the analysts' page only.
   */
  reminderFrom?: string;
}

/**
 * chiso on AWS: uploads land in a versioned bucket, the ingest function writes the lake bucket
 * (never the upload bucket: no loop) and registers Glue partitions; the query function serves
 * the same Hono app over Athena behind a Function URL.
 */
export class ChisoStack extends Stack {
  constructor(scope: Construct, id: string, props: ChisoStackProps = {}) {
    super(scope, id, props);

    const bucketDefaults = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    const logs = new s3.Bucket(this, 'AccessLogs', {
      ...bucketDefaults,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    const uploads = new s3.Bucket(this, 'Uploads', {
      ...bucketDefaults,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'uploads/',
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(730), abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Files a clerk's browser posts straight here (past the query function's 6 MB payload cap)
        // wait under staging/ until the app takes them, then are deleted; any left over go after a day.
        { prefix: STAGING_PREFIX, expiration: Duration.days(1), noncurrentVersionExpiration: Duration.days(1) },
        { prefix: STAGING_PREFIX, expiredObjectDeleteMarker: true },
      ],
    });
    const lake = new s3.Bucket(this, 'Lake', {
      ...bucketDefaults,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'lake/',
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(7) },
        { prefix: 'state/events/', expiration: Duration.days(30) },
        // Sign-in sessions last 7 days; an abandoned one is removed by S3 (a live one is checked on each request).
        { prefix: 'state/sessions/', expiration: Duration.days(8) },
      ],
    });
    const results = new s3.Bucket(this, 'AthenaResults', {
      ...bucketDefaults,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'athena-results/',
      lifecycleRules: [{ expiration: Duration.days(7), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    // Glue: tables whose columns come from schemas/records.ts, over the lake's Parquet.
    const databaseName = 'chiso';
    const database = new glue.CfnDatabase(this, 'Database', { catalogId: this.account, databaseInput: { name: databaseName, description: 'chiso: digital-transformation indicators' } });
    const table = (name: LakeTable, columns: readonly ColumnSpec[], partitionKeys: readonly ColumnSpec[] = [], format: typeof PARQUET = PARQUET) => {
      const t = new glue.CfnTable(this, `Table_${name}`, {
        catalogId: this.account,
        databaseName,
        tableInput: {
          name,
          tableType: 'EXTERNAL_TABLE',
          parameters: { classification: 'parquet', EXTERNAL: 'TRUE', 'parquet.compression': 'SNAPPY' },
          partitionKeys: columnsOf(partitionKeys),
          storageDescriptor: { ...format, columns: columnsOf(columns), location: lake.s3UrlForObject(TABLE_LOCATIONS[name]) },
        },
      });
      t.addResourceDependency(database);
      return t;
    };
    // The fact tables are symlink tables over manifests (functions/adapters/glue/GlueSymlinkLake.ts):
    // partitioned by period, with unit a column of every file, so a compacted period is one object.
    const [unitColumn, periodKey] = [KPI_VALUES_PARTITIONS.find((c) => c.name === 'unit')!, KPI_VALUES_PARTITIONS.find((c) => c.name === 'period')!];
    table('kpi_values', [...KPI_VALUES_COLUMNS, unitColumn], [periodKey], SYMLINK_PARQUET);
    table('submissions', SUBMISSIONS_COLUMNS, [], SYMLINK_PARQUET);
    for (const [name, columns] of Object.entries(DIMENSION_TABLES)) table(name as LakeTable, columns);
    for (const [name, columns] of Object.entries(ROW_TABLES)) table(name as LakeTable, columns);

    const workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: 'chiso',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoff ?? 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: results.s3UrlForObject('athena/'),
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    const views = lakeViews(`${ROOT}sql/views`);
    for (const query of loadSavedQueries(`${ROOT}sql`).values()) {
      const named = new athena.CfnNamedQuery(this, `Query_${query.name}`, {
        database: databaseName,
        workGroup: workGroup.name,
        name: query.name,
        description: `${query.title.en} (${query.params.map((p) => p.name).join(', ')})`.slice(0, 1024),
        queryString: compilePlaceholders(inlineViews(query.sql, views), () => '?').sql,
      });
      named.addResourceDependency(workGroup);
    }

    const linkSecret = new secrets.Secret(this, 'LinkSigningKey', {
      description: 'Signs leaders\' links (HMAC-SHA256)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    const banner = "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);";
    /** Files read at run time go beside the bundle; the query function also gets its lazy renderers. */
    const bundling = (lazyRenderers: boolean) => ({
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: false,
      forceDockerBundling: false,
      externalModules: ['@aws-sdk/*', '@duckdb/*'],
      // An ESM bundle still meets CommonJS packages that call require().
      banner,
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir: string, outputDir: string) => [
          `mkdir -p "${outputDir}/schemas" "${outputDir}/sql/views" "${outputDir}/functions/http/pages/assets"`,
          `cp "${inputDir}"/schemas/*.csv "${outputDir}/schemas/"`,
          `cp "${inputDir}"/sql/*.sql "${outputDir}/sql/" && cp "${inputDir}"/sql/views/*.sql "${outputDir}/sql/views/"`,
          `cp "${inputDir}"/functions/http/pages/assets/* "${outputDir}/functions/http/pages/assets/"`,
          // The PDFs' embedded font (functions/http/pdf/pdfDocument.ts looks in fonts/ first).
          `mkdir -p "${outputDir}/fonts" && cp ${Object.values(FONT_FILES).map(({ file, packageDir }) => `"${inputDir}/node_modules/${FONT_PACKAGE}/${packageDir}/${file}"`).join(' ')} "${outputDir}/fonts/"`,
          // ECharts and the exceljs writer: separate files, loaded by the first chart or .xlsx (functions/http/lazy.ts).
          ...(lazyRenderers ? Object.entries(LAZY_MODULES).map(([name, source]) =>
            `"${inputDir}/node_modules/.bin/esbuild" "${inputDir}/${source}" --bundle --platform=node --format=esm --target=node22 --minify --log-level=warning `
            + `--outfile="${outputDir}/lazy/${name}.mjs" --banner:js="${banner}"`) : []),
        ],
      },
    });
    const common = {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        LAKE_BUCKET: lake.bucketName,
        GLUE_DATABASE: databaseName,
        CHISO_ASSETS_DIR: '/var/task',
        NODE_OPTIONS: '--enable-source-maps=false',
      },
    };

    const failures = new sqs.Queue(this, 'IngestFailures', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const ingest = new NodejsFunction(this, 'Ingest', {
      ...common,
      entry: `${ROOT}functions/runtimes/lambda/ingest.ts`,
      bundling: bundling(false),
      handler: 'handler',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      retryAttempts: 2,
      onFailure: new SqsDestination(failures),
      description: 'Validates a submitted spreadsheet and writes it to the lake',
    });
    uploads.grantRead(ingest, 'uploads/*');
    lake.grantReadWrite(ingest);
    ingest.addToRolePolicy(new iam.PolicyStatement({
      actions: ['glue:GetTable', 'glue:BatchCreatePartition'],
      resources: [
        this.formatArn({ service: 'glue', resource: 'catalog' }),
        this.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
        this.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/kpi_values` }),
      ],
    }));
    uploads.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(ingest), { prefix: 'uploads/' });
    // Every night (02:00 in Vietnam) each period's pieces are folded into one file; ingest also
    // folds a period inline once it has grown to many pieces, so this is a tidy-up, not a must.
    new events.Rule(this, 'NightlyCompaction', {
      description: 'Folds each period of the lake into one file per table for Athena',
      schedule: events.Schedule.cron({ minute: '0', hour: '19' }),
      targets: [new targets.LambdaFunction(ingest, { event: events.RuleTargetInput.fromObject({ chiso: 'compact' }), retryAttempts: 2 })],
    });
    new cloudwatch.Alarm(this, 'IngestFailuresAlarm', {
      alarmDescription: 'A submission failed after retries: see the IngestFailures queue',
      metric: failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    const query = new NodejsFunction(this, 'Query', {
      ...common,
      entry: `${ROOT}functions/runtimes/lambda/query.ts`,
      bundling: bundling(true),
      handler: 'handler',
      memorySize: 1024,
      timeout: Duration.seconds(60),
      environment: {
        ...common.environment, ATHENA_WORKGROUP: workGroup.name, LINK_SECRET_ARN: linkSecret.secretArn, UPLOAD_BUCKET: uploads.bucketName,
        ...(props.reminderFrom ? { CHISO_REMINDER_FROM: props.reminderFrom } : {}),
      },
      description: 'The chiso API and pages (Hono) over Athena',
    });
    // Every morning (08:00 in Vietnam) the units due a reminder get it, once each (outbox/ in the lake bucket).
    new events.Rule(this, 'DailyReminders', {
      description: 'Reminds units before and after each reporting deadline',
      schedule: events.Schedule.cron({ minute: '0', hour: '1' }),
      targets: [new targets.LambdaFunction(query, { event: events.RuleTargetInput.fromObject({ chiso: 'remind' }), retryAttempts: 2 })],
    });
    if (props.reminderFrom) {
      // Only from the one verified identity (the address's domain, or the address itself).
      const identity = props.reminderFrom.includes('@') ? props.reminderFrom.split('@')[1]! : props.reminderFrom;
      query.addToRolePolicy(new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })],
      }));
    }
    lake.grantReadWrite(query);
    // The upload forms' presigned POST is signed with the function's own credentials: it may put only
    // under staging/ (never uploads/, the ingest trigger), and reads and deletes what was staged there.
    query.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      resources: [uploads.arnForObjects(`${STAGING_PREFIX}*`)],
    }));
    results.grantReadWrite(query);
    linkSecret.grantRead(query);
    // Single sign-on's client secret, made by the province in Secrets Manager and named in the
    // settings page (oidc_client_secret_ref): only secrets named chiso/oidc… can be read.
    query.addToRolePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [this.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: 'chiso/oidc*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }));
    query.addToRolePolicy(new iam.PolicyStatement({
      actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
      resources: [this.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workGroup.name })],
    }));
    query.addToRolePolicy(new iam.PolicyStatement({
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchCreatePartition'],
      resources: [
        this.formatArn({ service: 'glue', resource: 'catalog' }),
        this.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
        this.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/*` }),
      ],
    }));
    const url = query.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    new CfnOutput(this, 'UploadBucket', { value: uploads.bucketName, description: 'Drop reports under uploads/' });
    new CfnOutput(this, 'LakeBucket', { value: lake.bucketName });
    new CfnOutput(this, 'ApiUrl', { value: url.url });
    // The one terminal step of a deployment: the administrator's code (printed once, never an
    // output itself); every other account, the registry and the settings are made in /quan-tri.
    new CfnOutput(this, 'FirstAdministrator', {
      value: `npx chiso admin create --name "<họ tên / your name>" --bucket ${lake.bucketName}`,
      description: 'Chạy một lần để tạo mã quản trị viên, rồi đăng nhập ApiUrl/login và làm mọi việc ở /quan-tri / Run once for the administrator\'s code, then sign in at ApiUrl/login and do everything else at /quan-tri',
    });

    this.suppressFindings();
  }

  /** cdk-nag AwsSolutions findings accepted here, each with its reason. */
  private suppressFindings(): void {
    const s3Grant = 'CDK grant of object actions on one bucket: S3 object permissions need a key wildcard.';
    const accepted: { id: string; reason: string }[] = [
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'Logs only: the managed policy CDK attaches to every function (and to its bucket-notification helper).' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray PutTraceSegments/PutTelemetryRecords take no resource; nothing else is granted on *.' },
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: s3Grant },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: s3Grant },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: s3Grant },
      { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: 'Ingest takes back partition files of a failed write; the API revokes links. Lake bucket only.' },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: s3Grant },
      { id: 'AwsSolutions-IAM5[Resource::<Uploads4F6EB0FD.Arn>/uploads/*]', reason: 'Ingest reads (only reads) what lands under uploads/.' },
      { id: 'AwsSolutions-IAM5[Resource::<Uploads4F6EB0FD.Arn>/staging/*]', reason: 'The query function signs the upload forms (PutObject) and takes in what its forms staged, under staging/ only.' },
      { id: 'AwsSolutions-IAM5[Resource::<Lake5F1B88EA.Arn>/*]', reason: 'Both functions read and write the lake: partitions, submissions, state.' },
      { id: 'AwsSolutions-IAM5[Resource::<AthenaResults99A60126.Arn>/*]', reason: 'Athena writes and the query function reads results under the results bucket.' },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:${nagName(this.region, 'AWS::Region')}:${nagName(this.account, 'AWS::AccountId')}:table/chiso/*]`, reason: 'The query function reads every table of the chiso database, and only that database.' },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:${nagName(this.region, 'AWS::Region')}:${nagName(this.account, 'AWS::AccountId')}:secret:chiso/oidc*]`, reason: 'Single sign-on\'s client secret is made by the province (its name ends with the suffix Secrets Manager adds); only secrets named chiso/oidc… are readable.' },
      { id: 'AwsSolutions-L1', reason: 'Functions pin nodejs22.x, the runtime chiso is tested on; upgrades are deliberate.' },
      { id: 'AwsSolutions-SMG4', reason: 'Rotating the link-signing key would invalidate every link leaders hold; it is rotated by hand when needed.' },
      { id: 'AwsSolutions-SQS3', reason: 'IngestFailures is itself the dead-letter destination; its alarm is the escalation.' },
    ];
    for (const finding of accepted) Validations.of(this).acknowledge(finding);
  }
}
