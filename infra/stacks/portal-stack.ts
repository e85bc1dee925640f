/**
 * Portal stack: the static portal (web/out) in a private bucket behind CloudFront, and the
 * `/api/*` behaviours that send each hall's paths to that hall's API and the rest of `/api` to
 * the platform API. It depends on every other stack, which is why it is a stack of its own: in
 * the platform stack it would need the hall APIs while the halls need the platform (a cycle).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
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
import type { Construct } from 'constructs';
import { acknowledge } from '../constructs/nag.ts';

export interface PortalStackProps extends StackProps {
  /** Domain of the platform API (`/api/*`). */
  platformApiDomain: string;
  /** hallId → domain of that hall's API (`/api/halls/<hallId>/*`). */
  hallApiDomains: Record<string, string>;
  /** The built portal (web/out) to upload; absent → the bucket is created empty. */
  siteDir?: string;
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

    const api = (domain: string): BehaviorOptions => ({
      origin: new HttpOrigin(domain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Everything but Host: API Gateway routes on its own host name.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
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
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [
          {
            function: new CloudFrontFunction(this, 'IndexRewrite', {
              code: FunctionCode.fromInline(indexRewrite),
            }),
            eventType: FunctionEventType.VIEWER_REQUEST,
          },
        ],
      },
      additionalBehaviors,
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
      ['AwsSolutions-CFR1', 'AwsSolutions-CFR2'],
      'The portal is a public government service; geo restrictions and WAF are account-level ' +
        'decisions of the operator (a WAF web ACL must live in us-east-1, outside this stack).',
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
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*]`,
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
