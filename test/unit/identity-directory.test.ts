/**
 * The staff directory (functions/identity/directory.ts) against DynamoDB Local (started here, in
 * memory, on a free port; needs Java 17+): post memberships are written with the account, follow
 * role and status changes in the same transaction, and `staffPhones` answers whom to text; and the
 * Cognito pre-token trigger, which reads the same table.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  ensureTables,
  type LocalDynamo,
  localCredentials,
  startDynamo,
} from '@online-hall/local-cloud/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateMobile } from '#domain/ids.ts';
import { postMembershipItem, postMemberships, staffPhones } from '#functions/identity/directory.ts';
import { type Account, withRoles } from '#functions/identity/model.ts';
import { AccountStore, ConflictError } from '#functions/identity/store.ts';
import { demoRecord, seedIdentity } from '#infra/local/oidc/seed.ts';
import { platformResources } from '#infra/resources.ts';
import { demoAccounts } from '#infra/seed/accounts.ts';

const TABLE = 'accounts-directory-test';
let local: LocalDynamo;
let raw: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let store: AccountStore;

beforeAll(async () => {
  local = await startDynamo({});
  raw = new DynamoDBClient({ endpoint: local.endpoint, region: 'cn-north-1', credentials: localCredentials });
  // As functions/lib/aws.ts: optional account fields are left out, not written as undefined.
  doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, [{ name: TABLE, spec: platformResources.tables.accounts }]);
  store = new AccountStore(doc, TABLE);
}, 60_000);

afterAll(async () => {
  raw?.destroy();
  await local?.stop();
});

const AT = '2026-03-02T01:00:00.000Z';
const staff = (n: number, over: Partial<Account> = {}): Account => ({
  sub: `s-${n}`,
  username: `staff-${n}`,
  passwordHash: 'h',
  roles: ['staff'],
  name: `员工${n}`,
  status: 'active',
  phone: `1370000${String(n).padStart(4, '0')}`,
  hall: 'lixin',
  dept: '341623-mzj',
  posts: ['受理', '窗口'],
  level: 'county',
  createdAt: AT,
  ...over,
});
const q = (post: string, dept = '341623-mzj', hall = 'lixin') => ({ hall, dept, post });
const phones = (post: string, dept?: string, hall?: string) => staffPhones(doc, TABLE, q(post, dept, hall));
const postsHeld = async (sub: string) =>
  (
    await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': `USER#${sub}`, ':s': 'POST#' },
      }),
    )
  ).Items?.map((i) => i.sk);

describe('staff directory', () => {
  it('memberships: one per post, staff only, nothing without hall and department', () => {
    expect(postMemberships(staff(1, { posts: ['受理', '受理', '窗口'] })).map((m) => m.post)).toEqual([
      '受理',
      '窗口',
    ]);
    expect(postMemberships(staff(1, { roles: ['supervisor'] }))).toEqual([]);
    expect(postMemberships(staff(1, { dept: undefined }))).toEqual([]);
    expect(postMemberships({ ...staff(1), roles: ['applicant'], posts: undefined })).toEqual([]);
  });

  it('a new staff account is in the directory for each of its posts, and only there', async () => {
    await store.createAccount(staff(1));
    await store.createAccount(staff(2, { posts: ['审查'] }));
    await store.createAccount(staff(3, { dept: '341623-gaj', posts: ['受理'] }));
    await store.createAccount(staff(4, { hall: 'mengcheng', dept: '341622-mzj', posts: ['受理'] }));
    expect(await phones('受理')).toEqual(['13700000001']);
    expect(await phones('窗口')).toEqual(['13700000001']);
    expect(await phones('审查')).toEqual(['13700000002']);
    expect(await phones('决定')).toEqual([]);
    expect(await phones('受理', '341623-gaj')).toEqual(['13700000003']);
    expect(await phones('受理', '341622-mzj', 'mengcheng')).toEqual(['13700000004']);
    // The same department code in another hall is another directory.
    expect(await phones('受理', '341623-mzj', 'mengcheng')).toEqual([]);
    // The membership items do not leak into the account's own reads.
    expect(await store.getAccount('s-1')).toEqual(staff(1));
  });

  it('several holders of a post: every phone once', async () => {
    await store.createAccount(staff(5));
    expect((await phones('受理')).sort()).toEqual(['13700000001', '13700000005']);
    // A number shared by two accounts (a duty phone, say) is texted once.
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: postMembershipItem({
          ...q('受理'),
          sub: 's-dup',
          username: 'dup',
          name: '值班',
          phone: '13700000005',
          status: 'active',
        }),
      }),
    );
    expect((await phones('受理')).sort()).toEqual(['13700000001', '13700000005']);
  });

  it('staff without a usable mobile are left out', async () => {
    await store.createAccount(staff(6, { phone: undefined, posts: ['决定'] }));
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: postMembershipItem({
          ...q('决定'),
          sub: 's-land',
          username: 'land',
          name: '座机',
          phone: '0558-5551234',
          status: 'active',
        }),
      }),
    );
    expect(await phones('决定')).toEqual([]);
  });

  it('role and status changes move the directory in the same write', async () => {
    const before = (await store.getAccount('s-1'))!;
    // 受理 → 决定 in another department.
    const moved = withRoles(
      before,
      { roles: ['staff'], hall: 'lixin', dept: '341623-gaj', posts: ['决定'], level: 'county' },
      '2026-03-02T02:00:00.000Z',
    );
    await store.putAccount(moved, before);
    expect(await postsHeld('s-1')).toEqual(['POST#lixin#341623-gaj#决定']);
    expect((await phones('受理')).sort()).toEqual(['13700000005']);
    expect(await phones('窗口')).toEqual(['13700000005']);
    expect(await phones('决定', '341623-gaj')).toEqual(['13700000001']);

    // Disabled: still holds the post, but is not texted.
    const disabled = withRoles(
      moved,
      { roles: ['staff'], hall: 'lixin', dept: '341623-gaj', posts: ['决定'], status: 'disabled' },
      '2026-03-02T03:00:00.000Z',
    );
    await store.putAccount(disabled, moved);
    expect(await phones('决定', '341623-gaj')).toEqual([]);

    // No longer staff: out of the directory altogether.
    const supervisor = withRoles(
      disabled,
      { roles: ['supervisor'], hall: 'lixin' },
      '2026-03-02T04:00:00.000Z',
    );
    await store.putAccount(supervisor, disabled);
    expect(await postsHeld('s-1')).toEqual([]);
    expect((await store.getAccount('s-1'))?.roles).toEqual(['supervisor']);
  });

  it('a change computed from a stale profile writes nothing', async () => {
    const seen = (await store.getAccount('s-2'))!;
    const first = withRoles(
      seen,
      { roles: ['staff'], hall: 'lixin', dept: '341623-mzj', posts: ['决定'] },
      '2026-03-02T05:00:00.000Z',
    );
    await store.putAccount(first, seen);
    const second = withRoles(
      seen,
      { roles: ['staff'], hall: 'lixin', dept: '341623-mzj', posts: ['受理'] },
      '2026-03-02T06:00:00.000Z',
    );
    await expect(store.putAccount(second, seen)).rejects.toBeInstanceOf(ConflictError);
    expect(await postsHeld('s-2')).toEqual(['POST#lixin#341623-mzj#决定']);
    expect(await phones('审查')).toEqual([]);
  });
});

describe('demo staff in the directory', () => {
  const demo = demoAccounts([
    { code: '341602-gaj', name: '谯城区公安局', hallId: 'qiaocheng', itemCount: 9 },
    { code: '341602-mzj', name: '谯城区民政局', hallId: 'qiaocheng', itemCount: 7 },
    { code: '341623-jyj', name: '利辛县教育局', hallId: 'lixin', itemCount: 5 },
  ]);
  const demoStaff = demo.filter((d) => d.role === 'staff');

  it('every demo staff account has its own valid mobile, also in its claims', () => {
    expect(demoStaff.length).toBe(9);
    const all = demo.map((d) => d.phone).filter(Boolean);
    expect(new Set(all).size).toBe(all.length);
    for (const d of demoStaff) {
      expect(validateMobile(d.phone ?? '')).toEqual({ ok: true, value: d.phone });
      expect(d.claims.phone_number).toBe(d.phone);
      expect(demoRecord(d, 'h', AT).phone).toBe(d.phone);
    }
    expect(demoStaff.map((d) => d.phone).slice(0, 2)).toEqual(['13900000001', '13900000002']);
  });

  it('seeding fills the directory; an older seed without phones is brought up to date', async () => {
    const older = demoStaff[0];
    // As seeded before staff had mobiles: no phone, no memberships.
    await store.createAccount({ ...demoRecord(older, 'h', AT), phone: undefined });
    await seedIdentity(store, demo, Date.parse(AT));
    expect((await store.getAccount(String(older.claims.sub)))?.phone).toBe(older.phone);
    expect(await store.findByLogin(older.phone!)).toMatchObject({ sub: older.claims.sub });
    for (const d of demoStaff)
      for (const post of d.posts ?? [])
        expect(await staffPhones(doc, TABLE, { hall: d.hall!, dept: d.dept!, post })).toEqual([d.phone]);
    // 受理 staff also work the window.
    const sl = demoStaff.find((d) => d.username === 'qiaocheng-gaj-sl')!;
    expect(await staffPhones(doc, TABLE, q('窗口', '341602-gaj', 'qiaocheng'))).toEqual([sl.phone]);
  }, 60_000);
});

describe('the Cognito pre-token trigger reads the accounts table', () => {
  it('puts the account’s claims into the access token; refuses a disabled account', async () => {
    Object.assign(process.env, {
      ACCOUNTS_TABLE: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      AWS_REGION: 'cn-north-1',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    });
    const { handler } = await import('#functions/identity/cognito-pre-token.ts');
    const event = (userAttributes: Record<string, string>) =>
      ({
        version: '2',
        triggerSource: 'TokenGeneration_Authentication',
        region: 'cn-north-1',
        userPoolId: 'pool',
        userName: 'staff-5',
        callerContext: { awsSdkVersion: 'x', clientId: 'portal' },
        request: { userAttributes, groupConfiguration: {} },
        response: { claimsAndScopeOverrideDetails: {} },
      }) as any;
    const out = await handler(event({ sub: 'cognito-xyz', 'custom:account_sub': 's-5' }));
    expect(
      out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride,
    ).toMatchObject({
      account_sub: 's-5',
      roles: ['staff'],
      hall: 'lixin',
      posts: ['受理', '窗口'],
    });
    // Username alone links nothing.
    const stranger = await handler(event({ sub: 'cognito-unknown' }));
    expect(stranger.response.claimsAndScopeOverrideDetails).toEqual({});
    // Disabled (directly by its Cognito sub this time): no token at all.
    const s3 = (await store.getAccount('s-3'))!;
    await store.putAccount({ ...s3, status: 'disabled', updatedAt: '2026-03-02T07:00:00.000Z' }, s3);
    await expect(handler(event({ sub: 's-3' }))).rejects.toThrow('账户已停用');
  });
});

describe('the Cognito user-migration trigger', () => {
  it('hands Cognito the user of a right password, linked to the account; refuses a wrong one', async () => {
    Object.assign(process.env, {
      ACCOUNTS_TABLE: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      AWS_REGION: 'cn-north-1',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    });
    const { handler } = await import('#functions/identity/cognito-migrate.ts');
    const event = (triggerSource: string, userName: string, password?: string) =>
      ({
        version: '1',
        triggerSource,
        region: 'cn-north-1',
        userPoolId: 'pool',
        userName,
        callerContext: { awsSdkVersion: 'x', clientId: 'portal' },
        request: { password },
        response: {},
      }) as any;
    // A demo staff member seeded with the demo password (previous test) signs in at the pool for the first time.
    const account = (await store.findByLogin('qiaocheng-gaj-sc'))!;
    const out = await handler(event('UserMigration_Authentication', 'qiaocheng-gaj-sc', 'Demo@2026'));
    expect(out.response).toEqual({
      userAttributes: {
        name: account.name,
        'custom:account_sub': account.sub,
        phone_number: `+86${account.phone}`,
        phone_number_verified: 'true',
      },
      finalUserStatus: 'CONFIRMED',
      messageAction: 'SUPPRESS',
      desiredDeliveryMediums: ['SMS'],
    });
    await expect(
      handler(event('UserMigration_Authentication', 'qiaocheng-gaj-sc', 'wrong-password')),
    ).rejects.toThrow('不正确');
    const reset = await handler(event('UserMigration_ForgotPassword', 'qiaocheng-gaj-sc'));
    expect(reset.response.userAttributes['custom:account_sub']).toBe(account.sub);
    await expect(handler(event('UserMigration_ForgotPassword', 'nobody-here'))).rejects.toThrow();
  });
});
