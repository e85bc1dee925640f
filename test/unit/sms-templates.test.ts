import { describe, expect, it } from 'vitest';
import { renderSms } from '#functions/notify/templates.ts';

describe('SMS templates', () => {
  it('fill every variable and refuse a missing one', () => {
    const text = renderSms('accepted', {
      itemName: '居民身份证补领',
      caseNo: '341602-20261126-000001',
      queryCode: 'K7QM3XHP',
      promisedDays: 15,
    });
    expect(text).toBe(
      '【亳州政务服务】您申办的“居民身份证补领”已受理，办件编号341602-20261126-000001，查询码 K7QM 3XHP（字母不分大小写），承诺15个工作日内办结。可凭编号和查询码在网上办事大厅查询进度。',
    );
    expect(() => renderSms('refused', { itemName: 'x', caseNo: 'y', phone: '12345' })).toThrow('{reason}');
  });
});
