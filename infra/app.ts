import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChisoStack } from './ChisoStack.ts';

const app = new App();
const stack = new ChisoStack(app, 'Chiso', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  reminderFrom: app.node.tryGetContext('reminderFrom') as string | undefined,
});
const nag = new AwsSolutionsChecks(app, { verbose: true });
Validations.of(app).addPlugins(nag);
// Checked here too, so a finding without its reason stops `cdk synth` and `cdk deploy` on any CDK version.
const report = nag.validateScope(stack);
if (!report.success) {
  for (const v of report.violations) console.error(`${v.ruleName}: ${v.description}\n  ${v.violatingResources.map((r) => r.constructPath).join('\n  ')}`);
  throw new Error(`cdk-nag: ${report.violations.length} AwsSolutions finding(s) without a reason`);
}
