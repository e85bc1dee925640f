/**
 * cdk-nag 3 acknowledgements. cdk-nag 3 matches full finding ids only (e.g.
 * `AwsSolutions-IAM5[Resource::*]`), so each wildcard a grant produces is named here, next to the
 * resource that causes it, with the reason it is accepted.
 */

import type { CfnElement } from 'aws-cdk-lib';
import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function acknowledge(scope: IConstruct, ids: string | string[], reason: string): void {
  for (const id of Array.isArray(ids) ? ids : [ids]) Validations.of(scope).acknowledge({ id, reason });
}

/**
 * How cdk-nag writes a `Fn::GetAtt` in a finding: `<LogicalId.Attr>`. Used to name the finding
 * of a grant on `arn/index/*` or `arn/*` without hard-coding generated logical ids.
 */
export function nagRef(element: CfnElement, attribute = 'Arn'): string {
  const stack = Stack.of(element);
  const logicalId = stack.resolve(element.logicalId);
  if (Token.isUnresolved(logicalId)) throw new Error('logical id did not resolve');
  return `<${logicalId}.${attribute}>`;
}
