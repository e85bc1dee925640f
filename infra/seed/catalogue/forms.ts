/**
 * The forms of the seed catalogue: which application form (申请表) each item asks, and which
 * printable template (空白表格/填写示例) each material with a form gets. The rules read the item's
 * audience and name and the material's name (委托书, 授权书, 救助, 结婚, …) — here, once, at generation
 * time; the portal and the server only ever read the resulting data.
 *
 * Templates print `{事项名称}` where the item's name goes, so one 委托书 serves every item.
 */
import {
  type ApplicationForm,
  buildApplicationForm,
  type FormSpec,
  type FormTemplate,
  formIdOf,
  ITEM_NAME_PLACEHOLDER as ITEM,
  type TemplateSection,
} from '../../../functions/catalogue/forms.ts';

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

/** Items about a household's means ask for its members. */
const HOUSEHOLD = /救助|低保|最低生活保障|特困|困难|资助|扶助|经济状况|公共租赁住房/;
/** Items that pay money out ask where to pay it. */
const PAYS_OUT = /津贴|补贴|救助|低保|最低生活保障|特困|供养|资助|扶助|待遇申领|奖励|贷款|借款/;
/** Marriage matters are filed by both parties. */
const COUPLE = /结婚|离婚/;

export interface FormItem {
  name: string;
  audience: readonly string[];
  type?: string;
}

/** 行政给付 that pays money (失业保险金, 优待金, 补助金, 报销) also asks where to pay it. */
const PAID_BENEFIT = /金|补助|报销/;

// ---------------------------------------------------------------------------------------------
// Application forms

/**
 * The application form of an item: by audience, plus both parties (结婚/离婚), the household
 * (means-tested help) and the account to pay into (benefits, subsidies, loans) — the rules the
 * printable forms used, plus the item type for benefits whose names the old rules missed.
 */
export function applicationFormSpec(item: FormItem): FormSpec {
  const p = item.audience.includes('person');
  const e = item.audience.includes('enterprise');
  const couple = p && COUPLE.test(item.name);
  return {
    audience: couple ? 'person' : p && e ? 'either' : e ? 'enterprise' : 'person',
    couple,
    household: p && HOUSEHOLD.test(item.name),
    paysOut: PAYS_OUT.test(item.name) || (item.type === '行政给付' && PAID_BENEFIT.test(item.name)),
  };
}

/** Collects the forms items use, so the catalogue carries each once (sorted by id: deterministic). */
export class FormLibrary {
  private readonly forms = new Map<string, ApplicationForm>();
  private readonly templates = new Map<string, FormTemplate>();

  applicationFormFor(item: FormItem): string {
    const spec = applicationFormSpec(item);
    const id = formIdOf(spec);
    if (!this.forms.has(id)) this.forms.set(id, buildApplicationForm(spec));
    return id;
  }

  /** The template of a material with a standard form. */
  templateFor(item: FormItem, materialName: string): string {
    const t = paperTemplate(item, materialName);
    const known = this.templates.get(t.id);
    if (known && JSON.stringify(known) !== JSON.stringify(t))
      throw new Error(`two different templates named ${t.id}`);
    this.templates.set(t.id, t);
    return t.id;
  }

  applicationForms(): ApplicationForm[] {
    return [...this.forms.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  formTemplates(): FormTemplate[] {
    return [...this.templates.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}

// ---------------------------------------------------------------------------------------------
// Printable templates (what web/lib/forms.ts drew from regexes until the catalogue carried them)

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

export function formKind(materialName: string): Kind {
  return KIND_RULES.find(([re]) => re.test(materialName))?.[1] ?? 'apply';
}

type Field = NonNullable<TemplateSection['fields']>[number];
type Signer = FormTemplate['signers'][number];

const f = (label: string, example: string, more: Partial<Field> = {}): Field => ({
  label,
  example,
  ...more,
});

function person(role: string, ex: { name: string; id: string; phone: string; gender?: string }): Field[] {
  return [
    f(`${role}姓名`, ex.name),
    f('性别', ex.gender ?? EXAMPLE.gender),
    f('公民身份号码', ex.id),
    f('联系电话', ex.phone),
    f('联系地址', EXAMPLE.address, { span: 2 }),
  ];
}

function organisation(): Field[] {
  return [
    f('单位名称', EXAMPLE.company, { span: 2 }),
    f('统一社会信用代码', EXAMPLE.uscc),
    f('法定代表人（负责人）', EXAMPLE.name),
    f('联系人', EXAMPLE.agentName),
    f('联系电话', EXAMPLE.agentPhone),
    f('单位地址', EXAMPLE.address, { span: 2 }),
  ];
}

function household(withSignature = false): TemplateSection {
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

const bank: TemplateSection = {
  title: '发放账户',
  fields: [f('开户银行', EXAMPLE.bank), f('户名', EXAMPLE.name), f('银行账号', EXAMPLE.account, { span: 2 })],
};

const office: TemplateSection = {
  title: '以下由受理窗口填写',
  office: true,
  fields: [
    { label: '受理人', example: '' },
    { label: '受理日期', example: '' },
    { label: '受理意见', example: '', span: 2, lines: 2 },
  ],
};

const PROMISE = '本人承诺：以上填写的内容和提交的材料真实、合法、有效，如有虚假，愿意承担相应的法律责任。';

const matter = f('申请事项', ITEM, { preset: ITEM, span: 2 });
const couple: TemplateSection[] = [
  { title: '男方', fields: person('男方', { name: EXAMPLE.name, id: EXAMPLE.id, phone: EXAMPLE.phone }) },
  {
    title: '女方',
    fields: person('女方', { name: '李梅', id: '341602199203041247', phone: '13800000003', gender: '女' }),
  },
];
const coupleSigners: Signer[] = [
  { label: '男方（签字）', example: EXAMPLE.name },
  { label: '女方（签字）', example: '李梅' },
];
const applicant: Signer[] = [{ label: '申请人（签字）', example: EXAMPLE.name }];

const t = (id: string, name: string, sections: TemplateSection[], signers: Signer[]): FormTemplate => ({
  id,
  name,
  sections,
  signers,
});

/** The template of a material with a standard form, for an item (who applies, what it is about). */
export function paperTemplate(item: FormItem, materialName: string): FormTemplate {
  const about = `${item.name} ${materialName}`;
  switch (formKind(materialName)) {
    case 'mandate':
      return t(
        'mandate',
        '授权委托书',
        [
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
              f('委托事项', `代为办理“${ITEM}”`, { preset: `代为办理“${ITEM}”`, span: 2 }),
              f('委托权限', '代为提交申请材料、签收通知和领取办理结果', { span: 2, lines: 2 }),
              f('委托期限', `自 ${EXAMPLE.date} 至 2026 年 6 月 1 日`, { span: 2 }),
            ],
            text: '委托人对受托人在委托权限内办理的事项予以承认，并承担相应的法律责任。',
          },
        ],
        [
          { label: '委托人（签字）', example: EXAMPLE.name },
          { label: '受托人（签字）', example: EXAMPLE.agentName },
        ],
      );
    case 'authorisation':
      return t(
        'authorisation',
        '家庭经济状况核对授权书',
        [
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
        [{ label: '授权人（签字）', example: EXAMPLE.name }],
      );
    case 'pledge':
      return t(
        'pledge',
        '承诺书',
        [
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
        [{ label: '承诺人（签字）', example: EXAMPLE.name }],
      );
    case 'agreement':
      return t(
        'divorce-agreement',
        '离婚协议书',
        [
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
        coupleSigners,
      );
    case 'statement':
      return COUPLE.test(about)
        ? t(
            'marriage-statement',
            '婚姻登记声明书',
            [
              ...couple,
              {
                title: '声明内容',
                text: '本人与对方均无配偶，没有直系血亲和三代以内旁系血亲关系，自愿结婚，所填写的内容和提供的材料真实。',
              },
            ],
            coupleSigners,
          )
        : t(
            'statement',
            '声明书',
            [
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
            [{ label: '声明人（签字）', example: EXAMPLE.name }],
          );
    case 'legalRep':
      return t(
        'legal-rep',
        '法定代表人身份证明',
        [
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
        [{ label: '单位（盖章）', example: '（加盖单位公章）' }],
      );
    case 'means':
      return t(
        'means',
        '家庭经济困难情况说明',
        [
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
        applicant,
      );
    case 'apply': {
      const enterprise = item.audience.length === 1 && item.audience[0] === 'enterprise';
      const either = item.audience.includes('enterprise') && !enterprise;
      const isCouple = COUPLE.test(about);
      const isHousehold = HOUSEHOLD.test(about);
      const paysOut = PAYS_OUT.test(about);
      const sections: TemplateSection[] = [];
      if (isCouple) sections.push(...couple);
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
      if (isHousehold) sections.push(household());
      sections.push({
        title: '申请内容',
        fields: [
          matter,
          f('申请理由', `因需要办理${ITEM}，现提出申请，所填信息真实有效。`, { span: 2, lines: 3 }),
        ],
        text: PROMISE,
      });
      if (paysOut) sections.push(bank);
      sections.push(office);
      const who = isCouple ? 'couple' : enterprise ? 'enterprise' : either ? 'either' : 'person';
      const id = ['apply', who, isHousehold ? 'household' : '', paysOut ? 'payout' : '']
        .filter(Boolean)
        .join('-');
      const whoName = { couple: '婚姻双方', enterprise: '单位', either: '个人或单位', person: '个人' }[who];
      const extras = [isHousehold ? '家庭成员' : '', paysOut ? '发放账户' : ''].filter(Boolean);
      return t(
        id,
        `申请表（${whoName}${extras.length ? `，含${extras.join('、')}` : ''}）`,
        sections,
        isCouple
          ? coupleSigners
          : enterprise
            ? [
                { label: '法定代表人（签字）', example: EXAMPLE.name },
                { label: '单位（盖章）', example: '（加盖单位公章）' },
              ]
            : applicant,
      );
    }
  }
}
