/**
 * The calendar job across stacks: the platform's state machine calls each hall's recomputeDeadlines
 * by a fixed name (a hall is deployed after the platform, so no reference can point that way), and
 * may invoke exactly those functions and its own recording task.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { halls } from '../../infra/halls.ts';
import { hallFunctionName, hallResources, platformResources } from '../../infra/resources.ts';
import type { Stacks } from '../../infra/stacks/index.ts';
import { SYNTH_TIMEOUT, synthApp } from './fixture.ts';

let stacks: Stacks;
beforeAll(() => {
  ({ stacks } = synthApp());
}, SYNTH_TIMEOUT);

describe('calendar job', () => {
  it('each hall’s recomputeDeadlines has the fixed name the job calls, and no other function has one', () => {
    expect(Object.entries(hallResources.functions).filter(([, f]) => f.fixedName)).toEqual([
      ['recomputeDeadlines', expect.objectContaining({ entry: 'functions/calendar/recompute.ts' })],
    ]);
    for (const hall of halls) {
      const fns = Template.fromStack(stacks.halls[hall.id]).findResources('AWS::Lambda::Function');
      const named = Object.values(fns).flatMap((f: any) =>
        f.Properties.FunctionName ? [f.Properties.FunctionName] : [],
      );
      expect(named).toEqual([hallFunctionName(hall.id, 'recomputeDeadlines')]);
    }
  });

  it('the platform’s machine may invoke every hall’s recomputeDeadlines and its own task, nothing else', () => {
    const template = Template.fromStack(stacks.platform);
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    expect(Object.keys(machines)).toHaveLength(Object.keys(platformResources.stateMachines).length);
    const [machine] = Object.values(machines) as any[];
    const roleId = machine.Properties.RoleArn['Fn::GetAtt'][0];
    const resources = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => st.Action === 'lambda:InvokeFunction')
      .flatMap((st: any) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]));
    const own = resources.filter((r: any) => r['Fn::GetAtt']).map((r: any) => r['Fn::GetAtt'][0]);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatch(/^PlatformCalendarLoadDoneFunction/);
    const byName = resources
      .filter((r: any) => r['Fn::Join'])
      .map((r: any) => r['Fn::Join'][1].filter((part: unknown) => typeof part === 'string').join(''));
    expect(byName.map((arn: string) => arn.split(':function:')[1]).sort()).toEqual(
      halls.map((h) => hallFunctionName(h.id, 'recomputeDeadlines')).sort(),
    );
  });
});
