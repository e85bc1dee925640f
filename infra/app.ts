/**
 * The CDK app (`npx cdk synth`, `npm run deploy`). Synthesises without AWS credentials and
 * without lookups: the portal's origins and the region come from infra/config/deployment.json (or
 * `-c portalOrigin=… -c region=…`) and the synth fails without them; the account from
 * CDK_DEFAULT_ACCOUNT when the CLI knows it. cdk-nag AwsSolutions runs on every synth and fails it
 * on any finding that has no written acknowledgement.
 */
import { existsSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { repoRoot } from './constructs/house-function.ts';
import { buildApp, configFromContext } from './stacks/index.ts';

const app = new App();
const siteDir = `${repoRoot}web/out`;
buildApp(app, {
  ...configFromContext(app),
  // Upload the portal only when it has been built (`npm run build:web`).
  siteDir: existsSync(`${siteDir}/index.html`) ? siteDir : undefined,
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
