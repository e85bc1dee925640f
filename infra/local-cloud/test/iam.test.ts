import { describe, expect, it } from 'vitest';
import { AccessPolicy, allows, dynamodbRequests, principalOf, s3Request } from '../src/iam.ts';
import { arns } from '../src/names.ts';

const A = arns('cn-north-1', '000000000000');
const table = A.table('hall-x-cases');

describe('IAM-like grants', () => {
  it('match actions without regard to case and resources exactly, with * and ? wildcards', () => {
    const s = [{ actions: ['dynamodb:Get*', 'sns:publish'], resources: [table, `${table}/index/*`] }];
    expect(allows(s, { action: 'dynamodb:GetItem', resource: table })).toBe(true);
    expect(allows(s, { action: 'DynamoDB:getitem', resource: table })).toBe(true);
    expect(allows(s, { action: 'sns:Publish', resource: `${table}/index/byQueue` })).toBe(true);
    expect(allows(s, { action: 'dynamodb:PutItem', resource: table })).toBe(false);
    expect(allows(s, { action: 'dynamodb:GetItem', resource: A.table('hall-x-Cases') })).toBe(false);
    expect(allows(s, { action: 'dynamodb:GetItem', resource: '*' })).toBe(false);
    expect(
      allows([{ actions: ['s3:?etObject'], resources: ['*'] }], { action: 's3:GetObject', resource: '*' }),
    ).toBe(true);
  });

  it('know the caller by the access key id of its SigV4 header or presigned URL', () => {
    const header =
      'AWS4-HMAC-SHA256 Credential=hall-x-fileCase/20260302/cn-north-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';
    expect(principalOf({ headers: { authorization: header }, url: '/' })).toBe('hall-x-fileCase');
    expect(
      principalOf({
        headers: {},
        url: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=fn%2F20260302%2Fcn-north-1%2Fs3%2Faws4_request',
      }),
    ).toBe('fn');
    expect(principalOf({ headers: {}, url: '/' })).toBeUndefined();
  });

  it('check only governed principals, and word a denial as AWS does', () => {
    const policy = new AccessPolicy({ reader: [{ actions: ['dynamodb:GetItem'], resources: [table] }] }, A);
    const put = [{ action: 'dynamodb:PutItem', resource: table }];
    expect(policy.denial('local', put)).toBeUndefined();
    expect(policy.denial(undefined, put)).toBeUndefined();
    expect(policy.denial('reader', [{ action: 'dynamodb:GetItem', resource: table }])).toBeUndefined();
    expect(policy.denial('reader', put)).toBe(
      'User: arn:aws-cn:sts::000000000000:assumed-role/reader/reader is not authorized to perform: ' +
        `dynamodb:PutItem on resource: ${table} because no identity-based policy allows the dynamodb:PutItem action`,
    );
  });

  it('see each item of a transaction or batch, and the index of a query', () => {
    expect(
      dynamodbRequests(
        'TransactWriteItems',
        {
          TransactItems: [
            { Put: { TableName: 'a' } },
            { Update: { TableName: 'b' } },
            { ConditionCheck: { TableName: 'a' } },
            { Delete: { TableName: 'b' } },
          ],
        },
        A,
      ),
    ).toEqual([
      { action: 'dynamodb:PutItem', resource: A.table('a') },
      { action: 'dynamodb:UpdateItem', resource: A.table('b') },
      { action: 'dynamodb:ConditionCheckItem', resource: A.table('a') },
      { action: 'dynamodb:DeleteItem', resource: A.table('b') },
    ]);
    expect(dynamodbRequests('TransactGetItems', { TransactItems: [{ Get: { TableName: 'a' } }] }, A)).toEqual(
      [{ action: 'dynamodb:GetItem', resource: A.table('a') }],
    );
    expect(dynamodbRequests('BatchGetItem', { RequestItems: { a: {}, b: {} } }, A)).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: A.table('a') },
      { action: 'dynamodb:BatchGetItem', resource: A.table('b') },
    ]);
    expect(dynamodbRequests('Query', { TableName: 'a', IndexName: 'byPost' }, A)).toEqual([
      { action: 'dynamodb:Query', resource: `${A.table('a')}/index/byPost` },
    ]);
    expect(dynamodbRequests('ListTables', {}, A)).toEqual([{ action: 'dynamodb:ListTables', resource: '*' }]);
  });

  it('see the object or bucket of a path-style S3 request', () => {
    expect(s3Request('PUT', '/materials/2026%2Fa.pdf?x-id=PutObject', A)).toEqual({
      action: 's3:PutObject',
      resource: 'arn:aws-cn:s3:::materials/2026/a.pdf',
    });
    expect(s3Request('HEAD', '/materials/a', A).action).toBe('s3:GetObject');
    expect(s3Request('DELETE', '/materials/a', A).action).toBe('s3:DeleteObject');
    expect(s3Request('GET', '/materials?list-type=2', A)).toEqual({
      action: 's3:ListBucket',
      resource: 'arn:aws-cn:s3:::materials',
    });
    expect(s3Request('GET', '/', A)).toEqual({ action: 's3:ListAllMyBuckets', resource: '*' });
  });
});
