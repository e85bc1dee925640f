/** Every SMS text in one place. `{name}` placeholders; a missing variable is a bug, not a blank. */
import { formatQueryCode } from '#domain/query-code.ts';

export const SMS_SIGNATURE = '【亳州政务服务】';

export const SMS_TEMPLATES = {
  accepted:
    '您申办的“{itemName}”已受理，办件编号{caseNo}，查询码 {queryCode}（字母不分大小写），承诺{promisedDays}个工作日内办结。可凭编号和查询码在网上办事大厅查询进度。',
  deemed: '您申办的“{itemName}”已依法视为受理，办件编号{caseNo}，查询码 {queryCode}（字母不分大小写）。',
  refused: '您申办的“{itemName}”（办件编号{caseNo}）不予受理，理由：{reason}。如有疑问请致电{phone}。',
  correction:
    '您申办的“{itemName}”（办件编号{caseNo}）需要补交材料：{items}。请登录网上办事大厅一次性补齐，补齐前办理时限暂停计算。',
  special:
    '您申办的“{itemName}”（办件编号{caseNo}）需进行{type}，预计{days}个工作日，所需时间不计入办理时限。',
  approved:
    '您申办的“{itemName}”（办件编号{caseNo}）已办结，结果：准予。可选择窗口自取、邮寄或电子送达。欢迎登录网上办事大厅对本次服务作出评价。',
  denied:
    '您申办的“{itemName}”（办件编号{caseNo}）已办结，结果：不予许可，理由：{reason}。您可依法申请行政复议或提起行政诉讼。欢迎对本次服务作出评价。',
  consultAnswered:
    '您在网上办事大厅提出的关于“{itemName}”的咨询（编号{consultNo}）已由{deptName}答复，请到网上办事大厅“我的咨询”查看并评价。',
  rectified:
    '您对“{itemName}”（办件编号{caseNo}）的差评，承办部门已整改：{note}。请登录网上办事大厅对整改结果作出评价。',
  // 网上缴费 (functions/domain/payment.ts)
  payNotice:
    '您申办的“{itemName}”（办件编号{caseNo}）需缴纳{amount}，缴款码 {paymentCode}，请于{expires}前登录网上办事大厅缴费，逾期办件终止。',
  payReminder:
    '您申办的“{itemName}”（办件编号{caseNo}）尚未缴费（{amount}），缴费期限{expires}，逾期办件终止，请尽快登录网上办事大厅缴费。',
  paid: '您申办的“{itemName}”（办件编号{caseNo}）已缴费{amount}，电子缴款凭证可在“我的办件”查看。',
  unpaid: '您申办的“{itemName}”（办件编号{caseNo}）未在缴费期限内缴费，办件已终止；如仍需办理，请重新申请。',
  refunded: '您申办的“{itemName}”（办件编号{caseNo}）已缴的{amount}已原路退还，请注意查收。',
  // 领取登记 (functions/domain/delivery.ts)
  deliveredPost:
    '您申办的“{itemName}”（办件编号{caseNo}）的办理结果已邮寄，快递单号 {tracking}，请注意查收。',
  deliveredSelf: '您申办的“{itemName}”（办件编号{caseNo}）的办理结果已于窗口领取。欢迎对本次服务作出评价。',
  deliveredE:
    '您申办的“{itemName}”（办件编号{caseNo}）的办理结果已电子送达，请登录网上办事大厅“我的办件”下载。',
  // To staff
  newTask: '您有一件新的待办：“{itemName}”（办件编号{caseNo}），环节：{task}，请登录工作台及时办理。',
  alert: '电子监察{label}：“{itemName}”（办件编号{caseNo}）{note}，请登录工作台处理。',
  // To the supervisor who urged (督办) and got no reply in time
  escalated:
    '电子监察：您督办的“{itemName}”（办件编号{caseNo}）已超过回复期限，责任部门仍未回复，已上报市级监察。',
} as const;

export type SmsTemplate = keyof typeof SMS_TEMPLATES;

/**
 * The most characters a free-text variable takes: every text stays a few SMS segments long, far
 * below what SNS sends (1,600), however long a 补交告知 list or a reason is (the case page has it all).
 */
export const SMS_VAR_MAX: Readonly<Record<string, number>> = {
  itemName: 40,
  items: 80,
  reason: 120,
  note: 120,
  task: 30,
  type: 20,
};

const chars = (s: string) => [...s];

/** A value cut to its budget: a list by whole entries (“甲、乙等 5 项”), a text with “…”. */
export function briefSmsValue(name: string, value: string): string {
  const max = SMS_VAR_MAX[name];
  if (!max || chars(value).length <= max) return value;
  if (name === 'items') {
    const parts = value.split(/[；、]/).filter(Boolean);
    const tail = `等 ${parts.length} 项`;
    let out = '';
    for (const p of parts) {
      const next = out ? `${out}、${p}` : p;
      if (chars(next).length + tail.length > max) break;
      out = next;
    }
    return `${
      out ||
      `${chars(parts[0] ?? '')
        .slice(0, max - tail.length - 1)
        .join('')}…`
    }${tail}`;
  }
  return `${chars(value)
    .slice(0, max - 1)
    .join('')}…`;
}

export function renderSms(template: SmsTemplate, vars: Record<string, string | number | undefined>): string {
  const text = SMS_TEMPLATES[template].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined || value === '') throw new Error(`SMS template ${template} needs {${name}}`);
    // Read from a phone screen, often aloud: in two groups of four.
    return name === 'queryCode' ? formatQueryCode(String(value)) : briefSmsValue(name, String(value));
  });
  // The case's signed progress link (functions/cases/progress-link.ts), when given: one tap to the case.
  return SMS_SIGNATURE + text + (vars.link ? ` 查看进度：${vars.link}` : '');
}

/** Mainland number → E.164, as SNS wants it. */
export function toE164(phone: string): string {
  return phone.startsWith('+') ? phone : `+86${phone}`;
}
