/**
 * The supervisors' inbox of the local cloud: what the e-supervision topics (`alerts` of each hall,
 * infra/resources.ts) publish. In AWS supervisors subscribe to those topics; locally every message
 * lands here, the last 500 kept in `.data/supervisor-inbox.jsonl`, shown on /dev/inbox/ through
 * `GET /api/dev/inbox`.
 */

import { MessageLog } from '@online-hall/local-cloud/message-log';
import type { TopicMessage } from '@online-hall/local-cloud/sns';

/** The topics whose messages are the supervisors' (topic ids of infra/resources.ts). */
export const SUPERVISOR_TOPICS = ['alerts'];
export const INBOX_LIMIT = 500;

export interface InboxMessage {
  id: string;
  at: string;
  topicArn: string;
  subject?: string;
  /** Message attributes (severity, dept …). */
  attributes: Record<string, string>;
  /** The message as published. */
  message: string;
  /** The message parsed, when it is JSON (an alert record with its hall). */
  body?: Record<string, unknown>;
}

export class SupervisorInbox {
  private readonly log: MessageLog<InboxMessage>;

  constructor(
    /** ARNs of the topics to keep. */
    private readonly topics: Set<string>,
    file?: string,
    limit = INBOX_LIMIT,
  ) {
    this.log = new MessageLog(limit, file);
  }

  /** The SNS endpoint's `onTopicMessage` hook. */
  readonly receive = async (m: TopicMessage): Promise<void> => {
    if (!this.topics.has(m.topicArn)) return;
    let body: Record<string, unknown> | undefined;
    try {
      const parsed = JSON.parse(m.message);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed;
    } catch {
      // plain text: shown as it is
    }
    await this.log.append({
      id: m.messageId,
      at: m.at,
      topicArn: m.topicArn,
      ...(m.subject === undefined ? {} : { subject: m.subject }),
      attributes: m.attributes,
      message: m.message,
      ...(body ? { body } : {}),
    });
  };

  /** Newest first. */
  messages(): InboxMessage[] {
    return this.log.list().reverse();
  }

  flush(): Promise<void> {
    return this.log.flush();
  }
}
