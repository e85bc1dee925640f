import { readdirSync, readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { placeholdersOf, stateMachineFile } from '../../infra/constructs/service-resources.ts';
import { hallResources, platformResources } from '../../infra/resources.ts';

const dir = stateMachineFile('');
const files = readdirSync(dir).filter((f) => f.endsWith('.asl.json'));
const specs = [hallResources, platformResources].flatMap((r) => Object.values(r.stateMachines));
const fakeArn = (name: string) => `arn:aws:lambda:cn-north-1:123456789012:function:${name}`;

describe('statemachines/*.asl.json', () => {
  it('there are state machine files, and each is used by a spec', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files)
      expect(
        specs.map((s) => s.file),
        file,
      ).toContain(file);
  });

  it.each(files)('%s is valid ASL once its placeholders are substituted', (file) => {
    let text = readFileSync(`${dir}${file}`, 'utf8');
    for (const name of placeholdersOf(text)) text = text.replaceAll(`\${${name}}`, fakeArn(name));
    const { isValid, errorsText } = aslValidator(JSON.parse(text));
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it.each(specs.map((s) => [s.file, s] as const))(
    '%s: placeholders and substitutions match',
    (file, spec) => {
      const names = placeholdersOf(readFileSync(`${dir}${file}`, 'utf8'));
      expect([...names].sort()).toEqual(Object.keys(spec.functions).sort());
      const functions = { ...hallResources.functions, ...platformResources.functions };
      for (const fnId of Object.values(spec.functions)) expect(functions[fnId], fnId).toBeDefined();
    },
  );

  it('the validator rejects a broken definition (the check is live)', () => {
    expect(aslValidator({ StartAt: 'Nowhere', States: {} }).isValid).toBe(false);
  });
});
