/**
 * SMS straight to a phone number (SNS Publish with PhoneNumber, transactional). Locally the SNS
 * endpoint puts them in the outbox (`/api/dev/outbox`). The functions that send need the `sms`
 * flag in infra/resources.ts.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { mobileToE164 } from '#domain/ids.ts';
import { sns } from '#lib/aws.ts';

export async function sendSms(phone: string, message: string): Promise<void> {
  await sns.send(
    new PublishCommand({
      PhoneNumber: mobileToE164(phone),
      Message: message,
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    }),
  );
}
