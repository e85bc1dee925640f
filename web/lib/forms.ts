/**
 * Printable blank forms (空白表格) and filled samples (填写示例) for the materials of a guide. The
 * catalogue only says which materials have a standard form; what the form asks for is drawn here
 * from the material's name (申请表, 委托书, 授权书, …), the item (who applies, whether it pays out money,
 * whether it is about a household's means) and nothing else, so every form of the catalogue prints.
 * Pure (no React, no fetch): the page and the tests share one reading.
 */

import type { GuideAnswer, GuideItem, GuideMaterial } from './catalogue.ts';

/** One box to fill in. `example` is what the 填写示例 shows; `preset` is printed on blank forms too. */
export interface FormField {
  label: string;
  example: string;
  preset?: string;
  /** 2 = the whole row; 1 = half a row on paper and desktop (always whole on a phone). */
  span: 1 | 2;
  /** Lines of handwriting room on the blank form. */
  lines: number;
}

export interface FormTable {
  columns: string[];
  /** Blank rows on the blank form. */
  rows: number;
  examples: string[][];
}

export interface FormSection {
  title: string;
  fields?: FormField[];
  table?: FormTable;
  /** Printed text (a declaration, an authorisation) the signer agrees to. */
  text?: string;
  /** Filled in by the window staff: left blank on the sample too. */
  office?: boolean;
}

export interface FormSheet {
  /** The material's name, e.g. 居民身份证申领登记表. */
  title: string;
  itemName: string;
  itemCode: string;
  department: string;
  hallName?: string;
  sample: boolean;
  sections: FormSection[];
  /** Who signs, each with a date line, e.g. 申请人（签字）. */
  signers: { label: string; example: string }[];
  notes: string[];
  /** The other variant of this form (blank ↔ sample), when the catalogue links it. */
  otherHref?: string;
}

export type FormResult =
  | { ok: true; sheet: FormSheet; material: GuideMaterial }
  | { ok: false; problem: 'bad-index' | 'no-material' | 'no-form'; message: string };

/** Example values: plainly made up (张三, 138 0000 000x) yet checksum-valid, so a sample never teaches a wrong format. */
export const EXAMPLE = {
  name: '张三',
  gender: '男',
  id: '341602199001011234',
  phone: '13800000001',
  address: '亳州市谯城区示例路 1 号',
  agentName: '李四',
  agentId: '341602198805051237',
  agentPhone: '13800000002',
  company: '亳州市示例商贸有限公司',
  uscc: '91341602MA2N00000Q',
  bank: '亳州农村商业银行示例支行',
  account: '6230 0000 0000 0000 001',
  date: '2026 年 3 月 2 日',
} as const;

/** What sort of paper a material is, from its name. The first rule that matches wins. */
type Kind =
  | 'mandate'
  | 'authorisation'
  | 'pledge'
  | 'agreement'
  | 'statement'
  | 'legalRep'
  | 'means'
  | 'apply';

const KIND_RULES: [RegExp, Kind][] = [
  [/委托书/, 'mandate'],
  [/授权书/, 'authorisation'],
  [/承诺书/, 'pledge'],
  [/协议/, 'agreement'],
  [/声明/, 'statement'],
  [/法定代表人身份证明/, 'legalRep'],
  [/(收入|困难|经济).*说明/, 'means'],
];

/** Items about a household's means ask for its members. */
const HOUSEHOLD = /救助|低保|最低生活保障|特困|困难|资助|扶助|经济状况|公共租赁住房/;
/** Items that pay money out ask where to pay it. */
const PAYS_OUT = /津贴|补贴|救助|低保|最低生活保障|特困|供养|资助|扶助|待遇申领|奖励|贷款|借款/;
/** Marriage matters are filed by both parties. */
const COUPLE = /结婚|离婚/;

export function formKind(materialName: string): Kind {
  return KIND_RULES.find(([re]) => re.test(materialName))?.[1] ?? 'apply';
}

/** `m` from the URL: a plain small non-negative integer or nothing. */
export function parseMaterialIndex(raw: string | null | undefined): number | undefined {
  return raw != null && /^\d{1,3}$/.test(raw) ? Number(raw) : undefined;
}

const f = (label: string, example: string, more: Partial<FormField> = {}): FormField => ({
  label,
  example,
  span: 1,
  lines: 1,
  ...more,
});

function person(role: string, ex: { name: string; id: string; phone: string; gender?: string }): FormField[] {
  return [
    f(`${role}姓名`, ex.name),
    f('性别', ex.gender ?? EXAMPLE.gender),
    f('公民身份号码', ex.id),
    f('联系电话', ex.phone),
    f('联系地址', EXAMPLE.address, { span: 2 }),
  ];
}

function organisation(): FormField[] {
  return [
    f('单位名称', EXAMPLE.company, { span: 2 }),
    f('统一社会信用代码', EXAMPLE.uscc),
    f('法定代表人（负责人）', EXAMPLE.name),
    f('联系人', EXAMPLE.agentName),
    f('联系电话', EXAMPLE.agentPhone),
    f('单位地址', EXAMPLE.address, { span: 2 }),
  ];
}

function household(withSignature = false): FormSection {
  const columns = ['姓名', '与申请人关系', '公民身份号码', '就业或收入情况'];
  const examples = [
    [EXAMPLE.name, '本人', EXAMPLE.id, '务农，月收入约 800 元'],
    ['李梅', '配偶', '341602199203041247', '无固定收入'],
    ['张小明', '子女', '341602201506071232', '在校学生'],
  ];
  return {
    title: '共同生活的家庭成员',
    table: {
      columns: withSignature ? [...columns, '本人签字'] : columns,
      rows: 5,
      examples: withSignature ? examples.map((r) => [...r, r[0]]) : examples,
    },
  };
}

const bank: FormSection = {
  title: '发放账户',
  fields: [f('开户银行', EXAMPLE.bank), f('户名', EXAMPLE.name), f('银行账号', EXAMPLE.account, { span: 2 })],
};

const office: FormSection = {
  title: '以下由受理窗口填写',
  office: true,
  fields: [f('受理人', ''), f('受理日期', ''), f('受理意见', '', { span: 2, lines: 2 })],
};

const PROMISE = '本人承诺：以上填写的内容和提交的材料真实、合法、有效，如有虚假，愿意承担相应的法律责任。';

interface Body {
  sections: FormSection[];
  signers: { label: string; example: string }[];
}

/** The sections and signers of a form of a given kind for an item. */
function body(kind: Kind, item: GuideItem, title: string): Body {
  const about = `${item.name} ${title}`;
  const applicant: Body['signers'] = [{ label: '申请人（签字）', example: EXAMPLE.name }];
  const matter = f('申请事项', item.name, { preset: item.name, span: 2 });
  const couple: FormSection[] = [
    { title: '男方', fields: person('男方', { name: EXAMPLE.name, id: EXAMPLE.id, phone: EXAMPLE.phone }) },
    {
      title: '女方',
      fields: person('女方', { name: '李梅', id: '341602199203041247', phone: '13800000003', gender: '女' }),
    },
  ];
  const coupleSigners = [
    { label: '男方（签字）', example: EXAMPLE.name },
    { label: '女方（签字）', example: '李梅' },
  ];

  switch (kind) {
    case 'mandate':
      return {
        sections: [
          {
            title: '委托人',
            fields: person('委托人', { name: EXAMPLE.name, id: EXAMPLE.id, phone: EXAMPLE.phone }),
          },
          {
            title: '受托人',
            fields: [
              ...person('受托人', {
                name: EXAMPLE.agentName,
                id: EXAMPLE.agentId,
                phone: EXAMPLE.agentPhone,
              }).slice(0, 4),
              f('与委托人关系', '村（社区）代办员', { span: 2 }),
            ],
          },
          {
            title: '委托内容',
            fields: [
              f('委托事项', `代为办理“${item.name}”`, { preset: `代为办理“${item.name}”`, span: 2 }),
              f('委托权限', '代为提交申请材料、签收通知和领取办理结果', { span: 2, lines: 2 }),
              f('委托期限', `自 ${EXAMPLE.date} 至 2026 年 6 月 1 日`, { span: 2 }),
            ],
            text: '委托人对受托人在委托权限内办理的事项予以承认，并承担相应的法律责任。',
          },
        ],
        signers: [
          { label: '委托人（签字）', example: EXAMPLE.name },
          { label: '受托人（签字）', example: EXAMPLE.agentName },
        ],
      };
    case 'authorisation':
      return {
        sections: [
          {
            title: '授权人',
            fields: person('授权人', { name: EXAMPLE.name, id: EXAMPLE.id, phone: EXAMPLE.phone }),
          },
          household(true),
          {
            title: '授权内容',
            fields: [matter],
            text: '本人及共同生活的家庭成员同意并授权民政部门及相关单位，查询、核对我们的户籍、收入、存款、车辆、房产、社会保险等家庭经济状况信息，核对结果仅用于本事项的审核。',
          },
        ],
        signers: [{ label: '授权人（签字）', example: EXAMPLE.name }],
      };
    case 'pledge':
      return {
        sections: [
          {
            title: '承诺人',
            fields: person('承诺人', { name: EXAMPLE.name, id: EXAMPLE.id, phone: EXAMPLE.phone }),
          },
          {
            title: '承诺内容',
            fields: [matter],
            text: `${PROMISE}本人将遵守有关法律法规和政策规定，按批准的内容使用，不擅自改变用途，如违反承诺，自愿接受相关部门依法处理。`,
          },
        ],
        signers: [{ label: '承诺人（签字）', example: EXAMPLE.name }],
      };
    case 'agreement':
      return {
        sections: [
          ...couple,
          {
            title: '协议内容',
            fields: [
              f('子女抚养', '婚生子张小明由女方抚养，男方每月支付抚养费 1000 元', { span: 2, lines: 3 }),
              f('财产分割', '共同房产一套归女方所有，存款双方各半', { span: 2, lines: 3 }),
              f('债务处理', '双方无共同债务', { span: 2, lines: 2 }),
            ],
            text: '双方自愿离婚，对以上内容协商一致，保证所述情况真实。',
          },
        ],
        signers: coupleSigners,
      };
    case 'statement':
      return COUPLE.test(about)
        ? {
            sections: [
              ...couple,
              {
                title: '声明内容',
                text: '本人与对方均无配偶，没有直系血亲和三代以内旁系血亲关系，自愿结婚，所填写的内容和提供的材料真实。',
              },
            ],
            signers: coupleSigners,
          }
        : {
            sections: [
              {
                title: '声明人',
                fields: person('声明人', { name: EXAMPLE.name, id: EXAMPLE.id, phone: EXAMPLE.phone }),
              },
              {
                title: '声明内容',
                fields: [
                  matter,
                  f('声明事项', '本人声明所填写的个人情况和提交的材料真实、完整', { span: 2, lines: 3 }),
                ],
                text: PROMISE,
              },
            ],
            signers: [{ label: '声明人（签字）', example: EXAMPLE.name }],
          };
    case 'legalRep':
      return {
        sections: [
          {
            title: '单位信息',
            fields: [
              f('单位名称', EXAMPLE.company, { span: 2 }),
              f('统一社会信用代码', EXAMPLE.uscc),
              f('单位地址', EXAMPLE.address),
            ],
          },
          {
            title: '法定代表人',
            fields: [
              f('姓名', EXAMPLE.name),
              f('性别', EXAMPLE.gender),
              f('公民身份号码', EXAMPLE.id),
              f('职务', '执行董事兼总经理'),
              f('联系电话', EXAMPLE.phone, { span: 2 }),
            ],
            text: '兹证明上述人员为我单位法定代表人，特此证明。',
          },
        ],
        signers: [{ label: '单位（盖章）', example: '（加盖单位公章）' }],
      };
    case 'means':
      return {
        sections: [
          {
            title: '申请人',
            fields: person('申请人', { name: EXAMPLE.name, id: EXAMPLE.id, phone: EXAMPLE.phone }),
          },
          household(),
          {
            title: '收入和困难情况',
            fields: [
              f('家庭月总收入（元）', '800'),
              f('家庭人口（人）', '3'),
              f('主要困难', '配偶长期患病，需长期服药，子女在校读书，家庭开支大', { span: 2, lines: 4 }),
            ],
            text: PROMISE,
          },
        ],
        signers: applicant,
      };
    case 'apply': {
      const enterprise = item.audience.length === 1 && item.audience[0] === 'enterprise';
      const either = item.audience.includes('enterprise') && !enterprise;
      const sections: FormSection[] = [];
      if (COUPLE.test(about)) sections.push(...couple);
      else if (enterprise) sections.push({ title: '申请单位', fields: organisation() });
      else
        sections.push({
          title: '申请人',
          fields: [
            ...person('申请人', { name: EXAMPLE.name, id: EXAMPLE.id, phone: EXAMPLE.phone }),
            // Items open to both: a business fills these too, a person writes 无.
            ...(either
              ? [
                  f('单位名称（单位申请时填写）', '无', { span: 2 }),
                  f('统一社会信用代码（单位申请时填写）', '无'),
                ]
              : []),
          ],
        });
      if (HOUSEHOLD.test(about)) sections.push(household());
      sections.push({
        title: '申请内容',
        fields: [
          matter,
          f('申请理由', `因需要办理${item.name}，现提出申请，所填信息真实有效。`, { span: 2, lines: 3 }),
        ],
        text: PROMISE,
      });
      if (PAYS_OUT.test(about)) sections.push(bank);
      sections.push(office);
      return {
        sections,
        signers: COUPLE.test(about)
          ? coupleSigners
          : enterprise
            ? [
                { label: '法定代表人（签字）', example: EXAMPLE.name },
                { label: '单位（盖章）', example: '（加盖单位公章）' },
              ]
            : applicant,
      };
    }
  }
}

/**
 * The form of material `index` of the guide's item, blank or as a sample. A material without a
 * standard form (no `blankForm` in the catalogue) has none to print.
 */
export function formFor(guide: GuideAnswer, index: number | undefined, sample: boolean): FormResult {
  const { item } = guide;
  if (index === undefined) return { ok: false, problem: 'bad-index', message: '链接中的材料序号不正确。' };
  const material = item.materials[index];
  if (!material)
    return {
      ok: false,
      problem: 'no-material',
      message: `“${item.name}”没有第 ${index + 1} 项申请材料，材料清单可能已调整。`,
    };
  if (!material.blankForm)
    return {
      ok: false,
      problem: 'no-form',
      message: `“${material.name}”没有统一的空白表格，请按办事指南中的说明准备。`,
    };
  const { sections, signers } = body(formKind(material.name), item, material.name);
  return {
    ok: true,
    material,
    sheet: {
      title: material.name,
      itemName: item.name,
      itemCode: item.code,
      department: guide.department?.name ?? item.deptCode,
      hallName: guide.hall?.name,
      sample,
      sections,
      signers,
      notes: [
        '请用黑色或蓝黑色签字笔、钢笔填写，字迹清楚、工整，不得涂改。',
        '公民身份号码填写 18 位；没有的项目填“无”。',
        '本表可在网上办事大厅免费打印，也可到办理窗口或村（社区）代办点免费领取。',
        `填写有疑问请咨询：${item.consultPhone}（${guide.department?.name ?? '办理部门'}），或拨打 12345。`,
      ],
      otherHref: sample ? material.blankForm : material.sample,
    },
  };
}
