/**
 * `npm run deploy -- <hallId> [--exclusively] [cdk options…]` deploys one hall;
 * `npm run deploy -- --all` deploys every stack. See infra/README.md.
 *
 * A hall deploy includes the Platform stack it depends on (cdk deploys dependencies first);
 * `--exclusively` deploys the hall stack alone, for when Platform is already up to date.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { hallById, halls } from './halls.ts';
import { hallStackId } from './stacks/hall-stack.ts';

export interface DeployPlan {
  cdkArgs: string[];
}

export class DeployUsageError extends Error {}

const usage = () =>
  [
    '用法 / usage: npm run deploy -- <厅 id / hall id> [--exclusively] [cdk 选项 / cdk options]',
    '              npm run deploy -- --all [cdk 选项 / cdk options]',
    `可选的厅 / valid hall ids: ${halls.map((h) => `${h.id} (${h.name})`).join(', ')}`,
  ].join('\n');

/** Pure: the `cdk` arguments for the command line given to the script. */
export function planDeploy(argv: string[]): DeployPlan {
  const all = argv.includes('--all');
  const exclusively = argv.includes('--exclusively');
  // Hall ids come first; from the first other option on, everything is cdk's (`--profile prod`).
  const rest = argv.filter((a) => a !== '--all' && a !== '--exclusively');
  const firstOption = rest.findIndex((a) => a.startsWith('-'));
  const positional = firstOption === -1 ? rest : rest.slice(0, firstOption);
  const cdkOptions = firstOption === -1 ? [] : rest.slice(firstOption);
  if (all) {
    if (positional.length > 0 || exclusively)
      throw new DeployUsageError(
        `--all 不能与厅 id 或 --exclusively 同用 / --all takes no hall id\n${usage()}`,
      );
    return { cdkArgs: ['deploy', '--all', ...cdkOptions] };
  }
  if (positional.length !== 1) throw new DeployUsageError(`请指定一个厅 / name exactly one hall\n${usage()}`);
  const [hallId] = positional;
  if (!hallById(hallId))
    throw new DeployUsageError(`未知的厅 “${hallId}” / unknown hall '${hallId}'\n${usage()}`);
  const stacks = exclusively ? [hallStackId(hallId)] : ['Platform', hallStackId(hallId)];
  return { cdkArgs: ['deploy', ...stacks, ...(exclusively ? ['--exclusively'] : []), ...cdkOptions] };
}

function main() {
  let plan: DeployPlan;
  try {
    plan = planDeploy(process.argv.slice(2));
  } catch (e) {
    if (e instanceof DeployUsageError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  console.log(`> npx cdk ${plan.cdkArgs.join(' ')}`);
  const result = spawnSync('npx', ['cdk', ...plan.cdkArgs], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
