import { describe, expect, it } from 'vitest';
import { DeployUsageError, planDeploy } from '../../infra/deploy.ts';

describe('npm run deploy', () => {
  it('one hall deploys the platform and that hall', () => {
    expect(planDeploy(['qiaocheng']).cdkArgs).toEqual(['deploy', 'Platform', 'HallStack-qiaocheng']);
  });

  it('--exclusively deploys the hall alone', () => {
    expect(planDeploy(['lixin', '--exclusively']).cdkArgs).toEqual([
      'deploy',
      'HallStack-lixin',
      '--exclusively',
    ]);
  });

  it('passes cdk options through, values included', () => {
    expect(planDeploy(['city', '--profile', 'prod']).cdkArgs).toEqual([
      'deploy',
      'Platform',
      'HallStack-city',
      '--profile',
      'prod',
    ]);
  });

  it('--all deploys everything', () => {
    expect(planDeploy(['--all']).cdkArgs).toEqual(['deploy', '--all']);
  });

  it('an unknown hall is refused with the list of valid ids, in Chinese and English', () => {
    expect(() => planDeploy(['bozhou'])).toThrow(DeployUsageError);
    try {
      planDeploy(['bozhou']);
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toContain('未知的厅');
      expect(message).toContain('unknown hall');
      for (const id of ['city', 'qiaocheng', 'jingkai', 'guoyang', 'mengcheng', 'lixin'])
        expect(message).toContain(id);
    }
  });

  it('no hall, or two, is a usage error', () => {
    expect(() => planDeploy([])).toThrow(DeployUsageError);
    expect(() => planDeploy(['city', 'lixin'])).toThrow(DeployUsageError);
    expect(() => planDeploy(['--all', 'city'])).toThrow(DeployUsageError);
  });
});
