/**
 * The local cloud gives each function what the CDK stacks give it (infra/local/grants.ts): the same
 * environment variable names, and grants with the same actions as its synthesized IAM policy, on the
 * same kind of resource. A grant added to one side only fails here.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { hallById } from '../../infra/halls.ts';
import { environmentOf, type LocalStack, statementsOf } from '../../infra/local/grants.ts';
import { hallScope } from '../../infra/local/names.ts';
import { hallResources, platformResources, type StackResources } from '../../infra/resources.ts';
import { BEHIND_CLOUDFRONT_ONLY, fakeSite, SYNTH_TIMEOUT, synthApp } from './fixture.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

const hall = hallById('qiaocheng')!;
const stacks: Record<'hall' | 'platform', { local: LocalStack; template?: Template }> = {
  hall: {
    local: {
      scope: hallScope(hall.id),
      resources: hallResources,
      environment: {
        HALL_ID: hall.id,
        HALL_CODE: hall.code,
        CURSOR_KEY: 'k',
        // infra/local/cloud.ts adds these to every hall function (payment gateway, portal URL).
        ...Object.fromEntries(
          [
            'PORTAL_URL',
            'PAYMENT_GATEWAY',
            'PAYMENT_APP_ID',
            'PAYMENT_SELLER_ID',
            'PAYMENT_APP_KEY',
            'PAYMENT_PROVIDER_KEY',
          ].map((k) => [k, 'x']),
        ),
      },
    },
  },
  platform: { local: { scope: 'platform', resources: platformResources, environment: { CURSOR_KEY: 'k' } } },
};

beforeAll(() => {
  const { stacks: synthesized } = synthApp({ siteDir: fakeSite() });
  stacks.hall.template = Template.fromStack(synthesized.halls.qiaocheng);
  stacks.platform.template = Template.fromStack(synthesized.platform);
}, SYNTH_TIMEOUT);

/** The synthesized function of a spec (found by its description) and the actions its role may take. */
function deployed(template: Template, description: string) {
  const resources = template.toJSON().Resources as Resources;
  const [, fn] = Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === description,
  )!;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const actions = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    // Logs, keys and tracing are not modelled locally.
    .filter((a) => /^(dynamodb|s3|sns|states):/.test(a));
  return {
    // The origin secret and its extension exist only behind CloudFront: locally the gateway is the
    // edge (functions/lib/client.ts).
    env: Object.keys(fn.Properties.Environment.Variables)
      .filter((name) => !BEHIND_CLOUDFRONT_ONLY.test(name))
      .sort(),
    actions: [...new Set(actions)].sort(),
  };
}

describe.each(['hall', 'platform'] as const)('local grants of the %s stack', (which) => {
  const functions = (which === 'hall' ? hallResources : platformResources)
    .functions as StackResources['functions'];

  it('each function sees the env var names it has in AWS', () => {
    const { local, template } = stacks[which];
    for (const [id, spec] of Object.entries(functions)) {
      const env = Object.keys(environmentOf(local, spec, id)).sort();
      expect(env, id).toEqual(deployed(template!, spec.description).env);
    }
  });

  it('each function may take the actions its synthesized IAM policy allows, no more, no fewer', () => {
    const { local, template } = stacks[which];
    for (const [id, spec] of Object.entries(functions)) {
      const actions = [...new Set(statementsOf(local, spec, id).flatMap((s) => s.actions))].sort();
      expect(actions, id).toEqual(deployed(template!, spec.description).actions);
    }
  });

  it('grants name the resources of the spec, and SMS senders alone publish on *', () => {
    const { local } = stacks[which];
    for (const [id, spec] of Object.entries(functions)) {
      const resources = statementsOf(local, spec, id).flatMap((s) => s.resources);
      expect(resources.includes('*'), id).toBe(Boolean(spec.sms));
      for (const table of Object.keys(spec.tables ?? {}))
        expect(resources, id).toContain(
          `arn:aws-cn:dynamodb:cn-north-1:000000000000:table/${local.scope}-${table}`,
        );
    }
  });
});
