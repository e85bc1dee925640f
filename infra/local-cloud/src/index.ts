/**
 * @online-hall/local-cloud: AWS-compatible emulators on one machine, knowing nothing of the
 * application that wires them. See README.md.
 */
export { DevClockError, LocalClock, parseDuration } from './clock.ts';
export {
  checkJava,
  createTableInput,
  ensureTables,
  JavaMissingError,
  type KeyDefinition,
  type LocalDynamo,
  localCredentials,
  startDynamo,
  type TableDefinition,
} from './dynamodb.ts';
export {
  type ExtraHandler,
  type GatewayError,
  type GatewayOptions,
  type GatewayRoute,
  sendJson,
  startGateway,
} from './gateway.ts';
export {
  AccessPolicy,
  allows,
  dynamodbRequests,
  type Policies,
  principalOf,
  type Request as IamRequest,
  type Statement,
  s3Request,
} from './iam.ts';
export { LambdaError, type LambdaFunction, LocalLambdas, type LocalLambdasOptions } from './lambda.ts';
export { MessageLog } from './message-log.ts';
export { type Arns, arns, DEFAULT_ACCOUNT, DEFAULT_REGION, partitionOf } from './names.ts';
export {
  type LocalPaymentGateway,
  type PaymentApp,
  type PaymentGatewayOptions,
  startPaymentGateway,
} from './payment-gateway.ts';
export { freePort, waitFor } from './ports.ts';
export { type LocalS3, startS3 } from './s3.ts';
export { type LocalSns, type SmsRecord, type StartSnsOptions, startSns, type TopicMessage } from './sns.ts';
export {
  type DevClock,
  type LocalStepFunctions,
  type StartStepFunctionsOptions,
  startStepFunctions,
} from './stepfunctions/index.ts';
export {
  type DeadLetter,
  type FailureCondition,
  type LambdaStreamRecord,
  type ReplayOutcome,
  type StreamMapping,
  StreamPoller,
  type StreamPollerOptions,
  toLambdaRecord,
} from './streams.ts';
