/**
 * This deployment's settings (infra/config/deployment.json, `-c` context): the portal's origins and
 * the region must be given; nothing defaults to localhost.
 */
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { checkedOrigins, configFromContext } from '../../infra/stacks/index.ts';

const app = (context: Record<string, string> = {}) => new App({ context });

describe('deployment configuration', () => {
  it('takes origins and region from the deployment file', () => {
    const config = configFromContext(app(), {
      region: 'ap-east-1',
      portalOrigins: ['https://zwfw.example.gov.cn'],
    });
    expect(config.portalOrigins).toEqual(['https://zwfw.example.gov.cn']);
    expect(config.env.region).toBe('ap-east-1');
  });

  it('context overrides the file', () => {
    const config = configFromContext(
      app({ portalOrigin: 'https://a.example.gov.cn, https://b.example.gov.cn', region: 'ap-southeast-1' }),
      { region: 'ap-east-1', portalOrigins: ['https://zwfw.example.gov.cn'] },
    );
    expect(config.portalOrigins).toEqual(['https://a.example.gov.cn', 'https://b.example.gov.cn']);
    expect(config.env.region).toBe('ap-southeast-1');
  });

  it('fails loudly without origins, instead of defaulting to localhost', () => {
    expect(() => configFromContext(app(), { region: 'ap-east-1', portalOrigins: [] })).toThrow(
      /portalOrigins.*deployment\.json/s,
    );
  });

  it('fails loudly without a region', () => {
    const saved = process.env.CDK_DEFAULT_REGION;
    delete process.env.CDK_DEFAULT_REGION;
    try {
      expect(() => configFromContext(app(), { portalOrigins: ['https://zwfw.example.gov.cn'] })).toThrow(
        /region/,
      );
    } finally {
      if (saved !== undefined) process.env.CDK_DEFAULT_REGION = saved;
    }
  });

  it('the committed deployment file names no origin yet, so a synth from it fails until an operator sets one', () => {
    expect(() => configFromContext(app({ region: 'ap-east-1' }))).toThrow(/portalOrigins/);
  });

  it('accepts https origins (http only for localhost) and refuses paths, queries, credentials and other schemes', () => {
    expect(checkedOrigins(['https://zwfw.example.gov.cn/', 'http://localhost:3000'])).toEqual([
      'https://zwfw.example.gov.cn',
      'http://localhost:3000',
    ]);
    for (const bad of [
      'http://zwfw.example.gov.cn',
      'https://zwfw.example.gov.cn/portal',
      'https://zwfw.example.gov.cn?x=1',
      'https://user:pw@zwfw.example.gov.cn',
      'ftp://zwfw.example.gov.cn',
      'zwfw.example.gov.cn',
      '*',
    ])
      expect(() => checkedOrigins([bad]), bad).toThrow(/not an https origin/);
  });
});
