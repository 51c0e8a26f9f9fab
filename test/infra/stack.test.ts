import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChisoStack } from '../../infra/ChisoStack.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';

let app: App;
let stack: ChisoStack;
let template: Template;

/** The real CDK app, synthesised with the functions bundled by the local esbuild. */
beforeAll(() => {
  app = new App({ outdir: mkdtempSync(join(tmpdir(), 'chiso-cdk-')) });
  stack = new ChisoStack(app, 'Chiso', { env: { account: '111111111111', region: 'ap-southeast-1' }, reminderFrom: 'chiso@so-khcn.phutho.gov.vn' });
  template = Template.fromStack(stack);
}, 120_000);

const buckets = () => Object.entries(template.findResources('AWS::S3::Bucket'));
const logicalId = (prefix: string) => buckets().find(([id]) => id.startsWith(prefix))![0];

describe('the CDK stack', () => {
  it('has no cdk-nag AwsSolutions finding left unexplained', () => {
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('keeps every bucket private, encrypted, TLS-only, with lifecycle rules', () => {
    expect(buckets()).toHaveLength(4);
    for (const [, bucket] of buckets()) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(bucket.Properties.LifecycleConfiguration.Rules.length).toBeGreaterThan(0);
    }
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
    expect(template.findResources('AWS::S3::Bucket')[logicalId('Uploads')]!.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const results = template.findResources('AWS::S3::Bucket')[logicalId('AthenaResults')]!;
    expect(results.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(7);
    // Abandoned sign-in sessions do not pile up in the lake bucket.
    expect(template.findResources('AWS::S3::Bucket')[logicalId('Lake')]!.Properties.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ Prefix: 'state/sessions/', ExpirationInDays: 8 }));
    expect(template.findResources('AWS::S3::Bucket')[logicalId('Uploads')]!.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logicalId('AccessLogs') });
  });

  it('runs both functions on nodejs22.x, arm64, bundled locally; ingest fires only under uploads/', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } }));
    expect(functions).toHaveLength(2);
    for (const f of functions) expect(f.Properties.Architectures).toEqual(['arm64']);
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { LambdaFunctionConfigurations: [Match.objectLike({ Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } } })] },
    });
  });

  it('never lets the ingest function write the upload bucket (no loop)', () => {
    const [, role] = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('IngestServiceRoleDefaultPolicy'))!;
    const uploadsArn = { 'Fn::GetAtt': [logicalId('Uploads'), 'Arn'] };
    for (const statement of role.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
      const resources = JSON.stringify(statement.Resource);
      if (!resources.includes(JSON.stringify(uploadsArn).slice(1, -1))) continue;
      const actions = ([] as string[]).concat(statement.Action);
      expect(actions.every((a) => /^s3:(Get|List)/.test(a)), actions.join(',')).toBe(true);
    }
  });

  it('retries a failed ingest, then keeps it in a queue with an alarm', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, MetricName: 'ApproximateNumberOfMessagesVisible' });
  });

  it('defines the Glue tables from schemas/records.ts; the fact tables are symlink tables, kpi_values partitioned by period', () => {
    const tables = Object.values(template.findResources('AWS::Glue::Table')).map((t) => t.Properties.TableInput);
    expect(tables.map((t) => t.Name).sort()).toEqual(['admin_audit', 'approvals', 'explanations', 'framework_steps', 'frameworks', 'indicators', 'kpi_values', 'periods', 'publications', 'registry_version', 'reporting_calendar', 'setting_changes', 'submissions', 'unit_events', 'unit_lineage', 'units']);
    const kpi = tables.find((t) => t.Name === 'kpi_values')!;
    expect(kpi.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual(['period']);
    expect(kpi.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => `${c.Name}:${c.Type}`)).toEqual([
      'indicator_code:string', 'value:double', 'numerator:bigint', 'denominator:bigint', 'note:string', 'submission_id:string',
      'source_file:string', 'source_sheet:string', 'source_row:int', 'submitted_at:timestamp', 'ingested_at:timestamp', 'source_column:string', 'assessment:string', 'unit:string',
    ]);
    expect(kpi.StorageDescriptor.SerdeInfo.SerializationLibrary).toContain('ParquetHiveSerDe');
    for (const name of ['kpi_values', 'submissions']) {
      const t = tables.find((x) => x.Name === name)!;
      expect(t.StorageDescriptor.InputFormat).toBe('org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat');
      expect(JSON.stringify(t.StorageDescriptor.Location)).toContain(`lake/manifests/${name}/`);
    }
    for (const name of ['units', 'indicators', 'periods', 'unit_lineage']) {
      expect(tables.find((x) => x.Name === name)!.StorageDescriptor.InputFormat).toContain('MapredParquetInputFormat');
    }
  });

  it('has an Athena engine v3 workgroup with enforced, encrypted results and a scan cutoff; the saved queries as named queries', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
      }),
    });
    const named = Object.values(template.findResources('AWS::Athena::NamedQuery')).map((q) => q.Properties);
    expect(named.map((q) => q.Name).sort()).toEqual([...loadSavedQueries(SQL_DIR).keys()].sort());
    const scorecard = named.find((q) => q.Name === 'district_scorecard')!;
    // The views it names, inlined as CTEs in dependency order (settings and approvals, then current values).
    expect(scorecard.QueryString).toMatch(/^WITH settings AS \(/);
    expect(scorecard.QueryString).toContain('\nkpi_current AS (');
    expect(scorecard.QueryString).toContain('k.period = ?');
  });

  it('reminds every morning through the query function, sending from the one verified SES identity', () => {
    const query = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, f]) => f.Properties.Description?.includes('over Athena'))!;
    expect(query[1].Properties.Environment.Variables.CHISO_REMINDER_FROM).toBe('chiso@so-khcn.phutho.gov.vn');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 1 * * ? *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [query[0], 'Arn'] }, Input: JSON.stringify({ chiso: 'remind' }) })],
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const ses = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(ses[0]!.Action).toBe('ses:SendEmail');
    expect(JSON.stringify(ses[0]!.Resource)).toContain(':identity/so-khcn.phutho.gov.vn');
  });

  it('gives the query function its secret and Athena, and outputs what a deployer needs', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) });
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(['ApiUrl', 'FirstAdministrator', 'LakeBucket', 'UploadBucket']);
    // The one terminal step, naming the lake bucket the CLI writes the administrator's hash to.
    expect(outputs.FirstAdministrator!.Value).toEqual({ 'Fn::Join': ['', ['npx chiso admin create --name "<họ tên / your name>" --bucket ', { Ref: expect.stringMatching(/^Lake/) }]] });
    expect(JSON.stringify(outputs)).not.toMatch(/chiso_(admin|analyst|staff|head)_/); // never a code itself
    // Single sign-on's client secret: readable by the query function only when named chiso/oidc….
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const oidc = statements.filter((st) => st.Action === 'secretsmanager:GetSecretValue');
    expect(oidc).toHaveLength(1);
    expect(JSON.stringify(oidc[0]!.Resource)).toContain(':secret:chiso/oidc*');
  });

  it('lets the query function sign upload forms for staging/ only (never uploads/, the ingest trigger); staged files expire after a day', () => {
    const [, role] = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('QueryServiceRoleDefaultPolicy'))!;
    const uploadsArn = JSON.stringify({ 'Fn::GetAtt': [logicalId('Uploads'), 'Arn'] }).slice(1, -1);
    const onUploads = (role.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).filter((st) => JSON.stringify(st.Resource).includes(uploadsArn));
    expect(onUploads).toHaveLength(1);
    expect(([] as string[]).concat(onUploads[0]!.Action).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    expect(onUploads[0]!.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId('Uploads'), 'Arn'] }, '/staging/*']] });
    const uploads = template.findResources('AWS::S3::Bucket')[logicalId('Uploads')]!;
    expect(uploads.Properties.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ Prefix: 'staging/', ExpirationInDays: 1, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' }));
    // The staging folder is not under the ingest function's trigger.
    expect('staging/'.startsWith('uploads/')).toBe(false);
    const [, query] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, f]) => f.Properties.Environment?.Variables?.ATHENA_WORKGROUP)!;
    expect(query.Properties.Environment.Variables.UPLOAD_BUCKET).toEqual({ Ref: logicalId('Uploads') });
  });
});
