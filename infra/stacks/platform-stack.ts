/**
 * Platform stack (city-wide): the catalogue and the platform API from `platformResources`, and
 * the Cognito user pool that issues the portal's JWTs unless an external OIDC issuer is
 * configured. Hall stacks import its tables and its issuer.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { acknowledge } from '../constructs/nag.ts';
import { type AuthConfig, ServiceResources } from '../constructs/service-resources.ts';
import { platformResources } from '../resources.ts';

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
        selfSignUpEnabled: true,
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
  }
}
