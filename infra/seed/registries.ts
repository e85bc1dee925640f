/**
 * The data center's registries for the local cloud: a handful of demo records of the population
 * database (人口库: name, resident ID, the phone registered to that person) and the legal-person
 * database (法人库: USCC, name, legal representative). The demo applicants' own records are here,
 * plus spare people a newcomer (or a test) can register as. Check characters are computed, so every
 * number is valid by GB 11643 / GB 32100; the people and companies are made up.
 */

import { residentIdCheckChar, usccCheckChar } from '#domain/ids.ts';
import type { LegalPersonRecord, PopulationRecord } from '#functions/identity/registry.ts';

const id = (first17: string) => first17 + residentIdCheckChar(first17);
const uscc = (first17: string) => first17 + usccCheckChar(first17);

export const population: PopulationRecord[] = [
  // The demo applicants (infra/seed/accounts.ts)
  { idNumber: '341602199001011234', name: '张三', phone: '13800000001' },
  { idNumber: id('34160219850315002'), name: '李四', phone: '13800000002' },
  // The demo agent
  { idNumber: id('34160219780808123'), name: '孙代办', phone: '13800000009' },
  // Spare people to register as (README lists them)
  { idNumber: id('34160219920505101'), name: '王小明', phone: '13912340001' },
  { idNumber: id('34162119880612202'), name: '刘芳', phone: '13912340002' },
  { idNumber: id('34162219750101303'), name: '陈建国', phone: '13912340003' },
  { idNumber: id('34162319600909404'), name: '赵桂兰', phone: '13912340004' },
  { idNumber: id('34160219450301505'), name: '周老汉', phone: '13912340005' },
  { idNumber: id('65010219900101606'), name: '阿依古丽·买买提', phone: '13912340006' },
  { idNumber: id('34160220000229707'), name: '吴晓', phone: '13912340007' },
  { idNumber: id('34160219950707808'), name: '郑敏', phone: '13912340008' },
  { idNumber: id('34160219930303909'), name: '何静', phone: '13912340009' },
  { idNumber: id('34160219910101010'), name: '马骏', phone: '13912340010' },
  { idNumber: id('34160219910101111'), name: '朱红', phone: '13912340011' },
  { idNumber: id('34160219910101212'), name: '胡亮', phone: '13912340012' },
  { idNumber: id('34160219910101313'), name: '郭强', phone: '13912340013' },
  { idNumber: id('34160219910101414'), name: '林雪', phone: '13912340014' },
  { idNumber: id('34160219910101515'), name: '罗平', phone: '13912340015' },
  { idNumber: id('34160219910101616'), name: '孔燕', phone: '13912340016' },
  { idNumber: id('34160219910101717'), name: '宋涛', phone: '13912340017' },
  // Spares of the agent, correction and e-licence tests (test/integration/agent.test.ts, …)
  { idNumber: id('34160219480303031'), name: '钱秀英', phone: '13912340031' },
  { idNumber: id('34160219510404032'), name: '冯德胜', phone: '13912340032' },
  { idNumber: id('34160219860505033'), name: '韩梅梅', phone: '13912340033' },
  { idNumber: id('34160219870606034'), name: '卫国栋', phone: '13912340034' },
  { idNumber: id('34160219820707035'), name: '褚建华', phone: '13912340035' },
  { idNumber: id('34160219830808036'), name: '蒋丽华', phone: '13912340036' },
  { idNumber: id('34160219840909037'), name: '沈家和', phone: '13912340037' },
  { idNumber: id('34160219790101038'), name: '杨文清', phone: '13912340038' },
  { idNumber: id('34160219800202039'), name: '秦玉兰', phone: '13912340039' },
  // Spares of the supervision and operator-console tests (test/integration/supervise-*.test.ts, test/e2e/operate-*.test.ts)
  { idNumber: id('34160219790101041'), name: '单立新', phone: '13912340041' },
  { idNumber: id('34160219800202042'), name: '门春燕', phone: '13912340042' },
  // Spares of the consultation and rating-appeal tests (test/integration/consult*.test.ts, appeals*, test/e2e/consult*)
  { idNumber: id('34160219880101051'), name: '柏青松', phone: '13912340051' },
  { idNumber: id('34160219890202052'), name: '苗雨桐', phone: '13912340052' },
  { idNumber: id('34160219900303053'), name: '窦明远', phone: '13912340053' },
  // Spares of the payment and delivery tests (test/integration/payment*.test.ts, test/e2e/payment*)
  { idNumber: id('34160219870101061'), name: '付晓岚', phone: '13912340061' },
  { idNumber: id('34160219880202062'), name: '费志诚', phone: '13912340062' },
  { idNumber: id('34160219890303063'), name: '邮小川', phone: '13912340063' },
  // Spare of the offline-cases test (test/e2e/pwa.test.ts)
  { idNumber: id('34160219560707071'), name: '离线翁', phone: '13912340071' },
];

export const legalPersons: LegalPersonRecord[] = [
  {
    uscc: uscc('91341602MA2N00010'),
    name: '亳州市张三中药材有限公司',
    legalRepId: '341602199001011234',
    legalRepName: '张三',
  },
  {
    uscc: uscc('91341600MA2N00020'),
    name: '亳州小明药业有限公司',
    legalRepId: population[3].idNumber,
    legalRepName: '王小明',
  },
  {
    uscc: uscc('92341621MA2N00030'),
    name: '涡阳县刘芳便利店',
    legalRepId: population[4].idNumber,
    legalRepName: '刘芳',
  },
];
