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
  rectified:
    '您对“{itemName}”（办件编号{caseNo}）的差评，承办部门已整改：{note}。请登录网上办事大厅对整改结果作出评价。',
  // To staff
  newTask: '您有一件新的待办：“{itemName}”（办件编号{caseNo}），环节：{task}，请登录工作台及时办理。',
  alert: '电子监察{label}：“{itemName}”（办件编号{caseNo}）{note}，请登录工作台处理。',
} as const;

export type SmsTemplate = keyof typeof SMS_TEMPLATES;

export function renderSms(template: SmsTemplate, vars: Record<string, string | number | undefined>): string {
  const text = SMS_TEMPLATES[template].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined || value === '') throw new Error(`SMS template ${template} needs {${name}}`);
    // Read from a phone screen, often aloud: in two groups of four.
    return name === 'queryCode' ? formatQueryCode(String(value)) : String(value);
  });
  return SMS_SIGNATURE + text;
}

/** Mainland number → E.164, as SNS wants it. */
export function toE164(phone: string): string {
  return phone.startsWith('+') ? phone : `+86${phone}`;
}
