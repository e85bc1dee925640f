/**
 * Platform stack (city-wide): the catalogue and the platform API from `platformResources`, and
 * the Cognito user pool that issues the portal's JWTs unless an external OIDC issuer is
 * configured. Hall stacks import its tables and its issuer.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ACCOUNT_SUB_ATTRIBUTE } from '../../functions/identity/cognito.ts';
import { HouseFunction } from '../constructs/house-function.ts';
import { acknowledge } from '../constructs/nag.ts';
import { type AuthConfig, ServiceResources } from '../constructs/service-resources.ts';
import { type FunctionSpec, platformResources } from '../resources.ts';

/**
 * The Cognito pre-token-generation trigger: our claims (roles, hall, dept, posts, …) from the
 * accounts table into every access token. Not in `platformResources` because it exists only with
 * the user pool (the local cloud's identity provider puts the claims in itself) and has no route.
 */
export const preTokenSpec: FunctionSpec = {
  entry: 'functions/identity/cognito-pre-token.ts',
  description: 'Cognito pre-token generation: account claims into access tokens',
  memoryMb: 256,
  timeoutSeconds: 5,
};

/** The Cognito user-migration trigger: our accounts reach the pool at their first sign-in there. */
export const migrateSpec: FunctionSpec = {
  entry: 'functions/identity/cognito-migrate.ts',
  description: 'Cognito user migration: our accounts into the pool at first sign-in or password reset',
  memoryMb: 512,
  timeoutSeconds: 5,
};

export interface PlatformStackProps extends StackProps {
  /** An external OIDC issuer (e.g. the provincial identity platform); none → Cognito. */
  oidc?: AuthConfig;
  /** Origins of the portal: CORS, and the app client's callback/logout URLs. */
  portalOrigins: string[];
  /** Path of the portal's OIDC redirect page. */
  callbackPath: string;
  /** Prefix of the Cognito hosted domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  cognitoDomainPrefix?: string;
}

export class PlatformStack extends Stack {
  readonly auth: AuthConfig;
  readonly service: ServiceResources;
  readonly userPool?: UserPool;
  readonly portalClient?: UserPoolClient;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);

    if (props.oidc) {
      this.auth = props.oidc;
    } else {
      const pool = new UserPool(this, 'Users', {
        userPoolName: `${this.stackName}-users`,
        // Accounts are made by our registration (real-name check) and reach the pool through the
        // user-migration trigger at first sign-in; nobody signs up at the pool directly.
        selfSignUpEnabled: false,
        signInAliases: { phone: true, username: true },
        autoVerify: { phone: true },
        accountRecovery: AccountRecovery.PHONE_ONLY_WITHOUT_MFA,
        passwordPolicy: {
          minLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireDigits: true,
          requireSymbols: true,
          tempPasswordValidity: Duration.days(3),
        },
        // TOTP only: SMS MFA would need an IAM role that may publish to any phone number.
        mfa: Mfa.OPTIONAL,
        mfaSecondFactor: { otp: true, sms: false },
        // Plus tier for threat protection (compromised credentials, adaptive authentication):
        // a public login page of a government portal is a credential-stuffing target.
        featurePlan: FeaturePlan.PLUS,
        // Which account a Cognito user is (functions/identity/cognito.ts): set by our own code
        // only, never by the user — the app client below may not write it.
        customAttributes: {
          [ACCOUNT_SUB_ATTRIBUTE.replace(/^custom:/, '')]: new StringAttribute({
            minLen: 1,
            maxLen: 64,
            mutable: false,
          }),
        },
        standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      acknowledge(
        pool,
        'AwsSolutions-COG2',
        'MFA is optional (TOTP): applicants are the general public filing a few cases a year from ' +
          'phones, and the phone number is verified at sign-up; staff and operator accounts enrol TOTP ' +
          'by procedure. A deployment that must force MFA for everyone sets an external OIDC issuer.',
      );
      const smsRole = pool.node.tryFindChild('smsRole');
      if (smsRole)
        acknowledge(
          smsRole,
          'AwsSolutions-IAM5[Resource::*]',
          'Cognito sends the sign-up verification SMS by publishing to phone numbers; a publish to a ' +
            'phone number has no resource ARN, so sns:Publish must name "*" (the role trusts only this pool).',
        );
      const redirect = (path: string) => props.portalOrigins.map((o) => `${o.replace(/\/$/, '')}${path}`);
      // A public client (no secret) for the static portal; Cognito enforces PKCE whenever the
      // authorization request carries a code_challenge, which the portal always sends.
      const client = pool.addClient('PortalClient', {
        userPoolClientName: 'portal',
        generateSecret: false,
        authFlows: { userSrp: true },
        oAuth: {
          flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
          scopes: [OAuthScope.OPENID, OAuthScope.PROFILE, OAuthScope.PHONE],
          callbackUrls: redirect(props.callbackPath),
          logoutUrls: redirect('/'),
        },
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        // Standard attributes only: by default a client may write every attribute, custom ones too.
        writeAttributes: new ClientAttributes().withStandardAttributes({ phoneNumber: true, fullname: true }),
        preventUserExistenceErrors: true,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.days(30),
        enableTokenRevocation: true,
      });
      const domain = pool.addDomain('Domain', {
        cognitoDomain: { domainPrefix: props.cognitoDomainPrefix ?? `bozhou-hall-${this.account}` },
      });
      this.userPool = pool;
      this.portalClient = client;
      this.auth = { issuer: pool.userPoolProviderUrl, audience: [client.userPoolClientId] };
      new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId });
      new CfnOutput(this, 'PortalClientId', { value: client.userPoolClientId });
      new CfnOutput(this, 'AuthDomain', { value: domain.baseUrl() });
    }
    new CfnOutput(this, 'OidcIssuer', { value: this.auth.issuer });

    this.service = new ServiceResources(this, 'Platform', {
      resources: platformResources,
      apiPrefix: platformResources.apiPrefix,
      serviceName: 'platform',
      auth: this.auth,
      portalOrigins: props.portalOrigins,
    });

    if (this.userPool) {
      this.addPreTokenTrigger(this.userPool);
      this.addMigrationTrigger(this.userPool);
    }
  }

  /** Claims at every sign-in and refresh; V2_0 (access token customisation) needs Essentials or Plus. */
  private addPreTokenTrigger(pool: UserPool) {
    const accounts = this.service.tables.accounts;
    const trigger = new HouseFunction(this, 'PreTokenGeneration', {
      functionId: 'preTokenGeneration',
      spec: preTokenSpec,
      refs: { tables: {}, buckets: {}, topics: {}, stateMachines: {} },
      serviceName: 'platform',
      environment: { ACCOUNTS_TABLE: accounts.tableName },
    });
    // One profile read by key: GetItem on the table only (grantReadData would add Query, Scan and
    // every index, of a table holding ID numbers and phones).
    trigger.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [accounts.tableArn] }),
    );
    pool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, trigger.fn, LambdaVersion.V2_0);
  }

  /** First sign-in at the pool: check the password against our account, hand Cognito the user. */
  private addMigrationTrigger(pool: UserPool) {
    const accounts = this.service.tables.accounts;
    const trigger = new HouseFunction(this, 'UserMigration', {
      functionId: 'userMigration',
      spec: migrateSpec,
      refs: { tables: {}, buckets: {}, topics: {}, stateMachines: {} },
      serviceName: 'platform',
      environment: { ACCOUNTS_TABLE: accounts.tableName },
    });
    // Item reads and writes on the table only (the profile, lockout counters, the audit log); no
    // index, no scan.
    trigger.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:ConditionCheckItem',
        ],
        resources: [accounts.tableArn],
      }),
    );
    pool.addTrigger(UserPoolOperation.USER_MIGRATION, trigger.fn);
  }
}
