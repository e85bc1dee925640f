/**
 * PortalFirewall stack: the AWS WAF web ACL of the portal's CloudFront distribution. A web ACL for
 * CloudFront (scope CLOUDFRONT) can only be created in us-east-1, whatever region the rest of the
 * app lives in, so it is a stack of its own pinned there; the Portal stack takes its ARN as a
 * cross-region reference (infra/stacks/index.ts). It sees every request to the portal and `/api`,
 * with the viewer's real address.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/**
 * Requests per address in any 5 minutes. Generous: a village office or a service centre puts many
 * people behind one address. The handlers' own per-address, per-phone and per-case limits stay the
 * fine-grained ones.
 */
export const WAF_RATE_LIMITS = {
  /** Everything (pages, assets, API): about 10 requests a second sustained. */
  all: 3000,
  /** POST under /api/accounts: registration, SMS codes, password reset (each may send an SMS). */
  accountPosts: 100,
};

const TOO_MANY = 'TooManyRequests';

export class FirewallStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = (
      priority: number,
      name: string,
      /** Rules of the group that only count: they would refuse legitimate requests of ours. */
      countOnly: string[] = [],
    ): CfnWebACL.RuleProperty => ({
      name,
      priority,
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ruleActionOverrides: countOnly.length
            ? countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } }))
            : undefined,
        },
      },
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
    });
    const tooMany = { block: { customResponse: { responseCode: 429, customResponseBodyKey: TOO_MANY } } };

    this.webAcl = new CfnWebACL(this, 'PortalWebAcl', {
      name: `${this.stackName}-portal`,
      description: 'Online service hall portal: AWS managed rules and per-address rate limits',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('portal'),
      // The API's error shape (README, API), in Chinese like every other refusal.
      customResponseBodies: {
        [TOO_MANY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: { code: 'TOO_MANY_REQUESTS', message: '访问过于频繁，请稍后再试' },
          }),
        },
      },
      rules: [
        // Addresses AWS threat intelligence lists as bots and attack sources, before anything else.
        managed(0, 'AWSManagedRulesAmazonIpReputationList'),
        // OWASP-style common rules. Its 8 KB body limit would refuse catalogue imports and large
        // filings, which the API itself bounds (64 KB JSON, functions/lib/http.ts): count only.
        managed(1, 'AWSManagedRulesCommonRuleSet', ['SizeRestrictions_BODY']),
        // Known exploit patterns (Log4Shell, Java deserialisation, …).
        managed(2, 'AWSManagedRulesKnownBadInputsRuleSet'),
        {
          name: 'AccountPostsPerAddress',
          priority: 3,
          statement: {
            rateBasedStatement: {
              limit: WAF_RATE_LIMITS.accountPosts,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    {
                      byteMatchStatement: {
                        fieldToMatch: { uriPath: {} },
                        positionalConstraint: 'STARTS_WITH',
                        searchString: '/api/accounts',
                        textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                      },
                    },
                    {
                      byteMatchStatement: {
                        fieldToMatch: { method: {} },
                        positionalConstraint: 'EXACTLY',
                        searchString: 'POST',
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                  ],
                },
              },
            },
          },
          action: tooMany,
          visibilityConfig: visibility('AccountPostsPerAddress'),
        },
        {
          name: 'RequestsPerAddress',
          priority: 4,
          statement: {
            rateBasedStatement: {
              limit: WAF_RATE_LIMITS.all,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          action: tooMany,
          visibilityConfig: visibility('RequestsPerAddress'),
        },
      ],
    });
    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn });
  }
}
