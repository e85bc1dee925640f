/**
 * What each viewer sees of a consultation (shapes in functions/domain/consultation.ts): the asker
 * their own question, the answer and the rating; the department's staff the same with the asker
 * masked. Instants with +08:00.
 */
import {
  CONSULT_STATUS_NAMES,
  type ConsultationView,
  consultRatingDeadline,
  consultRatingView,
  type FaqEntry,
  mayRate,
} from '#domain/consultation.ts';
import { maskName, maskPhone } from '#domain/ids.ts';
import { beijingIso } from '#domain/time.ts';
import type { ConsultRecord, FaqRecord } from './store.ts';

export function consultationView(c: ConsultRecord, viewer: 'asker' | 'staff', at: string): ConsultationView {
  const t = c.timers ?? {};
  const mark =
    c.status !== 'open'
      ? undefined
      : t['answer-red'] && t['answer-red'].fireAt <= at
        ? 'red'
        : t['answer-yellow'] && t['answer-yellow'].fireAt <= at
          ? 'yellow'
          : undefined;
  return {
    consultNo: c.consultNo,
    hallId: c.hallId,
    itemCode: c.itemCode,
    itemName: c.itemName,
    deptName: c.deptName,
    question: c.question,
    askedAt: beijingIso(c.askedAt)!,
    status: c.status,
    statusName: CONSULT_STATUS_NAMES[c.status],
    deadline: beijingIso(c.deadlines?.answer),
    deadlineProvisional: c.deadlines?.provisional || undefined,
    asker:
      viewer === 'staff'
        ? {
            name: c.asker.name && maskName(c.asker.name),
            phone: c.asker.phone && maskPhone(c.asker.phone),
            anonymous: !c.asker.sub,
          }
        : undefined,
    answer: c.answer && {
      text: c.answer.text,
      at: beijingIso(c.answer.at)!,
      by: viewer === 'staff' ? c.answer.by : undefined,
    },
    rating: c.rating && consultRatingView(c.rating, beijingIso(c.rating.at)!),
    ratingOpenUntil:
      viewer === 'asker' && c.answer && mayRate(c, at)
        ? beijingIso(consultRatingDeadline(c.answer.at))
        : undefined,
    faq: c.faq && { question: c.faq.question, answer: c.faq.answer, at: beijingIso(c.faq.at)! },
    version: c.version,
    mark,
  };
}

export const faqView = (f: FaqRecord): FaqEntry => ({
  consultNo: f.consultNo,
  question: f.question,
  answer: f.answer,
  deptName: f.deptName,
  answeredAt: beijingIso(f.answeredAt)!,
  publishedAt: beijingIso(f.publishedAt)!,
});
