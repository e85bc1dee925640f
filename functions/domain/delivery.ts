/**
 * 送达: how the applicant receives the result, chosen at filing among the ways the item offers
 * (窗口自取, 邮寄 with a checked address, 电子送达), and what staff record at 领取登记 (the tracking
 * number of a parcel). Pure: the portal's apply form checks the same way.
 */
import { cleanTextProblem } from './text.ts';
import { DELIVERY_METHODS, type DeliveryMethod } from './vocabulary.ts';

export interface PostalAddress {
  /** 收件人 */
  name: string;
  /** Mainland mobile. */
  phone: string;
  /** 省市区, e.g. 安徽省亳州市谯城区 */
  region: string;
  /** 详细地址 */
  detail: string;
  postcode?: string;
}

export interface DeliveryChoice {
  method: DeliveryMethod;
  address?: PostalAddress;
}

export const DELIVERY_NAMES: Record<DeliveryMethod, string> = {
  自取: '窗口自取',
  邮寄: '邮寄送达（免费寄递）',
  电子: '电子送达（网上下载）',
};

/** 快递单号: letters and digits as carriers print them. */
export const TRACKING_NO = /^[A-Za-z0-9]{8,30}$/;

type Problem = { field: string; message: string };

/** The choice as given, checked against the item's ways; the problems, each with its field. */
export function checkDeliveryChoice(
  raw: { method?: string; address?: Partial<Record<keyof PostalAddress, string>> } | undefined,
  offered: readonly string[],
): { ok: true; choice: DeliveryChoice } | { ok: false; problems: Problem[] } {
  // Nothing chosen: the window, which every item offers.
  const method = (raw?.method ?? '自取') as DeliveryMethod;
  if (!(DELIVERY_METHODS as readonly string[]).includes(method) || !offered.includes(method))
    return {
      ok: false,
      problems: [
        {
          field: 'delivery.method',
          message: `本事项的结果可以${offered.map((m) => DELIVERY_NAMES[m as DeliveryMethod] ?? m).join('、')}`,
        },
      ],
    };
  if (method !== '邮寄') return { ok: true, choice: { method } };
  const a = raw?.address ?? {};
  const problems: Problem[] = [];
  const text = (key: keyof PostalAddress, label: string, min: number, max: number) => {
    const v = (a[key] ?? '').trim();
    if (v.length < min || v.length > max)
      problems.push({ field: `delivery.address.${key}`, message: `请填写${label}（${min}–${max} 个字）` });
    else if (cleanTextProblem(v))
      problems.push({ field: `delivery.address.${key}`, message: `${label}含有不能识别的字符` });
    return v;
  };
  const name = text('name', '收件人姓名', 2, 20);
  const region = text('region', '所在地区（省市区）', 4, 40);
  const detail = text('detail', '详细地址（街道、门牌号）', 5, 100);
  const phone = (a.phone ?? '').replace(/\s|-/g, '');
  if (!/^1[3-9]\d{9}$/.test(phone))
    problems.push({ field: 'delivery.address.phone', message: '请填写收件人的手机号码（11 位）' });
  const postcode = (a.postcode ?? '').trim();
  if (postcode && !/^\d{6}$/.test(postcode))
    problems.push({ field: 'delivery.address.postcode', message: '邮政编码应为 6 位数字' });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    choice: { method, address: { name, phone, region, detail, ...(postcode ? { postcode } : {}) } },
  };
}

/** The address on one line, as on a parcel. */
export const addressLine = (a: PostalAddress) =>
  `${a.region}${a.detail}，${a.name} ${a.phone}${a.postcode ? `，邮编 ${a.postcode}` : ''}`;
