/**
 * Portal stack: the static portal (web/out) in a private bucket behind CloudFront, and the
 * `/api/*` behaviours that send each hall's paths to that hall's API and the rest of `/api` to
 * the platform API. At the edge: the WAF web ACL of PortalFirewall, the security headers and CSP of
 * infra/constructs/portal-headers.ts, and the secret origin header the API functions check. It depends on every other stack, which is why it is a stack of its own: in
 * the platform stack it would need the hall APIs while the halls need the platform (a cycle).
 */
import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps, Token } from 'aws-cdk-lib';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../../functions/lib/client.ts';
import { acknowledge } from '../constructs/nag.ts';
import {
  API_CSP,
  cspFunctionCode,
  HSTS_MAX_AGE_SECONDS,
  PERMISSIONS_POLICY,
  sitePages,
} from '../constructs/portal-headers.ts';

export interface PortalStackProps extends StackProps {
  /** Domain of the platform API (`/api/*`). */
  platformApiDomain: string;
  /** hallId → domain of that hall's API (`/api/halls/<hallId>/*`). */
  hallApiDomains: Record<string, string>;
  /** The built portal (web/out) to upload; absent → the bucket is created empty. */
  siteDir?: string;
  /** The PortalFirewall web ACL (us-east-1). */
  webAclArn: string;
  /** The platform's origin secret, sent to every API origin as `x-origin-verify`. */
  originSecret: ISecret;
  /** Pin the header to this secret version (the last step of a rotation); default AWSCURRENT. */
  originSecretVersion?: string;
  /** Origins the portal's scripts call besides its own (sign-in): CSP connect-src. */
  connectOrigins: string[];
}

/**
 * Next's static export with `trailingSlash: true` writes `<route>/index.html`; S3 behind OAC has
 * no index documents, so the viewer request maps `/a/b` and `/a/b/` to `/a/b/index.html`.
 */
const indexRewrite = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) request.uri = uri + 'index.html';
  else if (uri.split('/').pop().indexOf('.') === -1) request.uri = uri + '/index.html';
  return request;
}`;

/** How cdk-nag writes an account or region in a finding: the literal when known, else the pseudo parameter. */
const nagPart = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);

export class PortalStack extends Stack {
  readonly distribution: Distribution;
  readonly siteBucket: Bucket;

  constructor(scope: Construct, id: string, props: PortalStackProps) {
    super(scope, id, props);

    const logs = new Bucket(this, 'LogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront standard logging writes with an ACL, which needs object ACLs enabled.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    acknowledge(logs, 'AwsSolutions-S1', 'This is the log bucket itself; logging it into itself would loop.');

    this.siteBucket = new Bucket(this, 'SiteBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      // The site is a build output: redeploying recreates it.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    // Only a request through this distribution carries the secret; the functions refuse the rest
    // (functions/lib/client.ts). The template holds a dynamic reference, never the value: CloudFormation
    // resolves it at deploy time. CloudFront replaces a viewer's header of the same name.
    const originSecret = SecretValue.secretsManager(props.originSecret.secretArn, {
      versionId: props.originSecretVersion,
    }).unsafeUnwrap();
    const headersPolicy = (id: string, csp?: string) =>
      new ResponseHeadersPolicy(this, id, {
        comment: `网上办事大厅 ${id}: portal-headers.ts`,
        securityHeadersBehavior: {
          contentSecurityPolicy: csp ? { contentSecurityPolicy: csp, override: true } : undefined,
          strictTransportSecurity: {
            accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
            includeSubdomains: true,
            override: true,
          },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
          referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.SAME_ORIGIN, override: true },
        },
        customHeadersBehavior: {
          customHeaders: [{ header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true }],
        },
      });
    const apiHeaders = headersPolicy('ApiHeaders', API_CSP);
    // The site's CSP differs per page (each page's inline scripts by hash): a viewer-response
    // function sets it from a table built from web/out; the policy adds the other headers.
    const siteHeaders = headersPolicy('SiteHeaders');
    const pageCsp = new CloudFrontFunction(this, 'PageCsp', {
      comment: 'Content-Security-Policy of each portal page (portal-headers.ts)',
      code: FunctionCode.fromInline(
        cspFunctionCode(sitePages(props.siteDir), {
          connectOrigins: props.connectOrigins,
          // Materials: presigned POST uploads and previews, path-style on the region's S3 endpoint.
          materialsOrigin: `https://s3.${this.region}.${this.urlSuffix}`,
        }),
      ),
    });

    const api = (domain: string): BehaviorOptions => ({
      origin: new HttpOrigin(domain, {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        customHeaders: { [ORIGIN_VERIFY_HEADER]: originSecret },
      }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Every viewer header but Host (API Gateway routes on its own host name), plus CloudFront's
      // headers, among them CloudFront-Viewer-Address: the viewer's address for per-address limits.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: apiHeaders,
    });
    const additionalBehaviors: Record<string, BehaviorOptions> = {};
    for (const [hallId, domain] of Object.entries(props.hallApiDomains))
      additionalBehaviors[`/api/halls/${hallId}/*`] = api(domain);
    additionalBehaviors['/api/*'] = api(props.platformApiDomain);

    this.distribution = new Distribution(this, 'Distribution', {
      comment: '网上办事大厅 portal',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: siteHeaders,
        functionAssociations: [
          {
            function: new CloudFrontFunction(this, 'IndexRewrite', {
              code: FunctionCode.fromInline(indexRewrite),
            }),
            eventType: FunctionEventType.VIEWER_REQUEST,
          },
          { function: pageCsp, eventType: FunctionEventType.VIEWER_RESPONSE },
        ],
      },
      additionalBehaviors,
      webAclId: props.webAclArn,
      defaultRootObject: 'index.html',
      errorResponses: [{ httpStatus: 404, responseHttpStatus: 404, responsePagePath: '/404.html' }],
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Users are in mainland China; the cheapest class covering Asia.
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'The portal is a public government service: people of Bozhou abroad use it too, so no geo ' +
        'restriction; the WAF web ACL (PortalFirewall) filters by reputation and rate instead.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR4',
      'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose ' +
        'security policy cannot be chosen; set a domain and ACM certificate (and TLS_V1_2_2021) for production.',
    );

    if (props.siteDir) {
      new BucketDeployment(this, 'Site', {
        sources: [Source.asset(props.siteDir)],
        destinationBucket: this.siteBucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        memoryLimit: 512,
      });
      this.acknowledgeBucketDeployment();
    }

    new CfnOutput(this, 'PortalUrl', { value: `https://${this.distribution.distributionDomainName}` });
    new CfnOutput(this, 'SiteBucketName', { value: this.siteBucket.bucketName });
  }

  /** The CDK-provided upload function (a singleton per stack); its grants are CDK's, not ours. */
  private acknowledgeBucketDeployment() {
    const provider = this.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!provider) throw new Error('BucketDeployment provider not found: acknowledgements would not apply');
    const qualifier = this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? 'hnb659fds';
    const siteObjects = `<${this.getLogicalId(this.siteBucket.node.defaultChild as CfnBucket)}.Arn>/*`;
    acknowledge(
      provider,
      [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-${nagPart(this.account, 'AWS::AccountId')}-${nagPart(this.region, 'AWS::Region')}/*]`,
        `AwsSolutions-IAM5[Resource::${siteObjects}]`,
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-L1',
      ],
      'The aws-s3-deployment provider of aws-cdk-lib, run only during deployment: it copies the built ' +
        'portal from the CDK asset bucket into the site bucket (sync with delete) and invalidates ' +
        'CloudFront (CreateInvalidation has no resource-level permission); runtime and role are set by CDK.',
    );
  }
}
