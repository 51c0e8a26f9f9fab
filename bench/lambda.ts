/**
 * npm run bench:lambda — synthesises the CDK app (functions bundled by the local esbuild) and
 * reports each function's bundle size, zipped size, and cold import time in a fresh Node process.
 */
import { App } from 'aws-cdk-lib';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ChisoStack } from '../infra/ChisoStack.ts';

const outdir = mkdtempSync(join(tmpdir(), 'chiso-bench-cdk-'));
const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
const stack = new ChisoStack(app, 'Chiso', { env: { account: '111111111111', region: 'ap-southeast-1' } });
const assembly = app.synth();
// Lambda's runtime provides the AWS SDK (left out of the bundles): here, the repository's copy.
symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), join(outdir, 'node_modules'));
const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };

const dirSize = (dir: string): number => readdirSync(dir, { withFileTypes: true })
  .reduce((n, e) => n + (e.isDirectory() ? dirSize(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);

/** Median of 5 cold imports of a module, each in a fresh Node process. */
function coldImport(specifier: string, env: NodeJS.ProcessEnv = process.env, cwd?: string): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const ms = execFileSync(process.execPath, ['--input-type=module', '-e',
      `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`], { env, cwd, encoding: 'utf8' });
    times.push(Number(ms.trim()));
  }
  return times.sort((a, b) => a - b)[2]!;
}

// The yardstick the issue sets: the AWS SDK's S3 client alone, imported the same way.
const sdkAlone = coldImport('@aws-sdk/client-s3', process.env, fileURLToPath(new URL('../', import.meta.url)));
console.log(`cold import of @aws-sdk/client-s3 alone: ${sdkAlone.toFixed(0)} ms (median of 5)\n`);
console.log('| function | bundle (index.mjs) | whole asset | gzip of bundle | cold import, SDK included (median of 5) | ÷ client-s3 alone |');
console.log('|---|---|---|---|---|---|');
for (const [id, resource] of Object.entries(template.Resources)) {
  const path = resource.Metadata?.['aws:asset:path'];
  if (resource.Type !== 'AWS::Lambda::Function' || !path || !/^(Ingest|Query)/.test(id)) continue;
  const dir = join(outdir, path);
  const bundle = readFileSync(join(dir, 'index.mjs'));
  const ms = coldImport(join(dir, 'index.mjs'), { ...process.env, LAKE_BUCKET: 'b', GLUE_DATABASE: 'chiso', ATHENA_WORKGROUP: 'chiso', LINK_SECRET_ARN: 'arn', CHISO_ASSETS_DIR: dir, AWS_REGION: 'ap-southeast-1' });
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  console.log(`| ${id.replace(/[0-9A-F]{8}$/, '')} | ${kb(bundle.length)} | ${kb(dirSize(dir))} | ${kb(gzipSync(bundle).length)} | ${ms.toFixed(0)} ms | ${(ms / sdkAlone).toFixed(2)}x |`);
}
